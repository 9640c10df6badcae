import type { CatalogEntry } from '../../../server/provisioning/catalog.ts';
import yealinkVendor from '../../../firmware-profiles/yealink/_vendor.json' with { type: 'json' };
import t46g from '../../../firmware-profiles/yealink/t46g.json' with { type: 'json' };
import t46s from '../../../firmware-profiles/yealink/t46s.json' with { type: 'json' };
import t46u from '../../../firmware-profiles/yealink/t46u.json' with { type: 'json' };
import t56a from '../../../firmware-profiles/yealink/t56a.json' with { type: 'json' };
import w52p from '../../../firmware-profiles/yealink/w52p.json' with { type: 'json' };
import polyVendor from '../../../firmware-profiles/poly/_vendor.json' with { type: 'json' };
import vvx400 from '../../../firmware-profiles/poly/vvx400.json' with { type: 'json' };
import vvx450 from '../../../firmware-profiles/poly/vvx450.json' with { type: 'json' };
import ciscoVendor from '../../../firmware-profiles/cisco/_vendor.json' with { type: 'json' };
import ciscoMpp from '../../../firmware-profiles/cisco/_mpp.json' with { type: 'json' };
import ciscoSpa from '../../../firmware-profiles/cisco/_spa.json' with { type: 'json' };
import ciscoSep from '../../../firmware-profiles/cisco/_sep.json' with { type: 'json' };
import cp7832 from '../../../firmware-profiles/cisco/cp-7832-3pcc.json' with { type: 'json' };
import spa508g from '../../../firmware-profiles/cisco/spa508g.json' with { type: 'json' };
import sep8945 from '../../../firmware-profiles/cisco/sep-8945.json' with { type: 'json' };
import gsVendor from '../../../firmware-profiles/grandstream/_vendor.json' with { type: 'json' };
import gxp2135 from '../../../firmware-profiles/grandstream/gxp2135.json' with { type: 'json' };
import grp2614 from '../../../firmware-profiles/grandstream/grp2614.json' with { type: 'json' };
import ht801 from '../../../firmware-profiles/grandstream/ht801.json' with { type: 'json' };
import snomVendor from '../../../firmware-profiles/snom/_vendor.json' with { type: 'json' };
import d785 from '../../../firmware-profiles/snom/d785.json' with { type: 'json' };
import fanvilVendor from '../../../firmware-profiles/fanvil/_vendor.json' with { type: 'json' };
import x5u from '../../../firmware-profiles/fanvil/x5u.json' with { type: 'json' };
import x6u from '../../../firmware-profiles/fanvil/x6u.json' with { type: 'json' };
import aastraVendor from '../../../firmware-profiles/aastra/_vendor.json' with { type: 'json' };
import a6731i from '../../../firmware-profiles/aastra/6731i.json' with { type: 'json' };
import m6940 from '../../../firmware-profiles/aastra/6940.json' with { type: 'json' };
import obihaiVendor from '../../../firmware-profiles/obihai/_vendor.json' with { type: 'json' };
import obi1032 from '../../../firmware-profiles/obihai/obi1032.json' with { type: 'json' };

/**
 * The shipped profiles of every model with a real UA sample in VENDORS.md (plus enough others for
 * shared names), loaded as modules so unit tests use real catalogue data without touching disk.
 */
export function realProfileEntries(): CatalogEntry[] {
  const files: Record<string, unknown> = {
    'yealink/_vendor.json': yealinkVendor,
    'yealink/t46g.json': t46g,
    'yealink/t46s.json': t46s,
    'yealink/t46u.json': t46u,
    'yealink/t56a.json': t56a,
    'yealink/w52p.json': w52p,
    'poly/_vendor.json': polyVendor,
    'poly/vvx400.json': vvx400,
    'poly/vvx450.json': vvx450,
    'cisco/_vendor.json': ciscoVendor,
    'cisco/_mpp.json': ciscoMpp,
    'cisco/_spa.json': ciscoSpa,
    'cisco/_sep.json': ciscoSep,
    'cisco/cp-7832-3pcc.json': cp7832,
    'cisco/spa508g.json': spa508g,
    'cisco/sep-8945.json': sep8945,
    'grandstream/_vendor.json': gsVendor,
    'grandstream/gxp2135.json': gxp2135,
    'grandstream/grp2614.json': grp2614,
    'grandstream/ht801.json': ht801,
    'snom/_vendor.json': snomVendor,
    'snom/d785.json': d785,
    'fanvil/_vendor.json': fanvilVendor,
    'fanvil/x5u.json': x5u,
    'fanvil/x6u.json': x6u,
    'aastra/_vendor.json': aastraVendor,
    'aastra/6731i.json': a6731i,
    'aastra/6940.json': m6940,
    'obihai/_vendor.json': obihaiVendor,
    'obihai/obi1032.json': obi1032,
  };
  // A deep copy per call: a test that edits an entry must not change the next test's data.
  return Object.entries(files).map(([path, json]) => ({ path, json: structuredClone(json) }));
}
