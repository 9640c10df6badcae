import { el, group, writeXml, type XmlNode } from '../../server/provisioning/writers/xml-tree.ts';
import { CISCO_WINDOWS_ZONES, lookupZoneName } from '../../server/provisioning/timezone-names.ts';
import { defineDialect, linesFor, referenceYear, xmlFile } from '../../server/provisioning/dialect-kit.ts';
import type { LineSettings, RenderInput, RenderedFile } from '../../server/provisioning/types.ts';

/**
 * Cisco enterprise (CUCM-style) `SEP<MAC>.cnf.xml` / `XMLDefault.cnf.xml` (VENDORS.md §4). Fetched
 * over TFTP, so there are no HTTP credentials to hand out; the phone has no action URLs (✘).
 * A disabled line is left out: the format has no per-line enable flag.
 */

/** `<transportLayerProtocol>`: 1 TCP, 2 UDP, 3 TLS (VENDORS.md §4, from [W] ✔). */
const TRANSPORT = { tcp: '1', udp: '2', tls: '3' } as const;

function callManagerGroup(line: LineSettings | undefined): XmlNode[] {
  if (line === undefined) return [];
  return [
    group('callManagerGroup', [
      group('members', [
        group(
          'member',
          [group('callManager', [group('ports', [el('sipPort', line.port)]), el('processNodeName', line.registrar)])],
          [['priority', '0']],
        ),
      ]),
    ]),
  ];
}

function sipLine(line: LineSettings): XmlNode {
  const secret = line.secret === '' ? [] : [el('authPassword', line.secret)];
  return group(
    'line',
    [
      el('featureID', '9'),
      el('featureLabel', line.label),
      el('proxy', 'USECALLMANAGER'),
      el('port', line.port),
      el('name', line.extension),
      el('displayName', line.displayName),
      el('authName', line.authUser),
      ...secret,
    ],
    [['button', String(line.index)], ['lineIndex', String(line.index)]],
  );
}

/** `device`: the per-phone tree. Raw profile keys become `<vendorConfig>` children, last. */
function device(input: RenderInput): RenderedFile {
  const s = input.settings;
  const lines = linesFor(input).filter((l) => l.enabled);
  const timeZone = lookupZoneName(CISCO_WINDOWS_ZONES, s.time.timezone, referenceYear(input));
  // LLDP keys in `<vendorConfig>` are ✘ (VENDORS.md §4); `lldpAdminStatus` follows CUCM exports.
  const vendorConfig = [el('lldpAdminStatus', s.network.lldp ? '1' : '0'), ...Object.entries(s.raw).map(([k, v]) => el(k, v))];
  const children: XmlNode[] = [
    el('fullConfig', 'true'),
    el('deviceProtocol', 'SIP'),
    group('devicePool', [
      group('dateTimeSetting', [
        el('timeZone', timeZone),
        group('ntps', [group('ntp', [el('name', s.time.ntp), el('ntpMode', 'Unicast')])]),
      ]),
      ...callManagerGroup(lines[0]),
    ]),
    group('sipProfile', [group('sipLines', lines.map(sipLine))]),
    ...(s.firmware !== undefined ? [el('loadInformation', s.firmware.version)] : []),
    ...(s.directory !== undefined ? [el('directoryURL', s.directory.url)] : []),
    group('vendorConfig', dedupe(vendorConfig)),
    el('transportLayerProtocol', TRANSPORT[lines[0]?.transport ?? 'udp']),
  ];
  return xmlFile(writeXml(group('device', children)));
}

/** A raw key named like a generated one replaces it, at the end. */
function dedupe(nodes: XmlNode[]): XmlNode[] {
  const last = new Map<string, XmlNode>();
  for (const n of nodes) {
    last.delete(n.name);
    last.set(n.name, n);
  }
  return [...last.values()];
}

/** `common`: `XMLDefault.cnf.xml` for phones without their own file: call manager and load, no secrets. */
function common(input: RenderInput): RenderedFile {
  const s = input.settings;
  const children: XmlNode[] = [
    ...callManagerGroup(linesFor(input)[0]),
    ...(s.firmware !== undefined
      ? [el('loadInformation', s.firmware.version, [['model', input.model.name]])]
      : []),
  ];
  return xmlFile(writeXml(group('Default', children)));
}

export const dialect = defineDialect('cisco-sep', { device, common });
