import { appError } from '../../server/errors.ts';
import { el, group, writeXml, type XmlNode } from '../../server/provisioning/writers/xml-tree.ts';
import { ciscoDstRule, gmtHoursMinutes, zoneRules } from '../../server/provisioning/timezone.ts';
import {
  defineDialect,
  expandName,
  linesFor,
  referenceYear,
  requireMac,
  xmlFile,
  fileOfKind,
} from '../../server/provisioning/dialect-kit.ts';
import type { RenderInput, RenderedFile } from '../../server/provisioning/types.ts';

/**
 * Obihai / Poly OBi: TR-104-style `<ParameterList><Object>` XML (VENDORS.md §8 ✔ for the SIP and
 * line objects). Time, provisioning, firmware and LLDP object names are ✘; the phones have no
 * documented action URLs or key layout we could verify, so neither is rendered.
 */

/** `ProxyServerTransport` (VENDORS.md §8 ✔). */
const TRANSPORT = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' } as const;

type Params = [name: string, value: string | number][];

function object(name: string, params: Params): XmlNode {
  return group('Object', [
    el('Name', name),
    ...params.map(([n, v]) => group('ParameterValueStruct', [el('Name', n), el('Value', v)])),
  ]);
}

/** `device`: one voice profile per line (OBi phones: SP1..SPn), time, provisioning, raw last. */
function device(input: RenderInput): RenderedFile {
  const s = input.settings;
  const objects = new Map<string, Params>();
  const add = (obj: string, params: Params): void => {
    objects.set(obj, [...(objects.get(obj) ?? []), ...params]);
  };
  for (const line of linesFor(input)) {
    const profile = `VoiceService.1.VoiceProfile.${line.index}.`;
    add(`${profile}SIP.`, [
      ['ProxyServer', line.registrar],
      ['ProxyServerPort', line.port],
      ['ProxyServerTransport', TRANSPORT[line.transport]],
    ]);
    add(`${profile}Line.1.`, [
      ['Enable', line.enabled ? 'true' : 'false'],
      ['X_DisplayLabel', line.label],
      ['X_DisplayNumber', line.extension],
    ]);
    add(`${profile}Line.1.SIP.`, [
      ['AuthUserName', line.authUser],
      ...(line.secret !== '' ? ([['AuthPassword', line.secret]] as Params) : []),
      ['URI', line.extension],
    ]);
    add(`${profile}Line.1.CallingFeatures.`, [['CallerIDName', line.displayName]]);
  }
  const tz = zoneRules(s.time.timezone, referenceYear(input));
  const rule = ciscoDstRule(tz);
  add('X_DeviceManagement.TimeService.', [
    ['NTPServer1', s.time.ntp],
    ['LocalTimeZone', gmtHoursMinutes(tz.standardOffset)],
    ['DaylightSavingTimeEnable', tz.dst === undefined ? 'false' : 'true'],
    ...(rule !== undefined ? ([['DaylightSavingTimeRule', rule]] as Params) : []),
  ]);
  const self = fileOfKind(input.model, 'device');
  const mac = requireMac(input);
  add('X_DeviceManagement.ITSPProvisioning.', [
    ['Method', 'System Start'],
    ['ConfigURL', `${s.provisioning.url}${self === undefined ? '' : expandName(self.name, input.model, mac)}`],
    ...(s.provisioning.credentials !== undefined
      ? ([
          ['X_UserName', s.provisioning.credentials.username],
          ['X_Password', s.provisioning.credentials.password],
        ] as Params)
      : []),
  ]);
  if (s.firmware !== undefined) add('X_DeviceManagement.FirmwareUpdate.', [['FirmwareURL', s.firmware.url]]);
  add('X_DeviceManagement.LLDP.', [['Enable', s.network.lldp ? 'true' : 'false']]);
  // Raw key `Object.Path.Param`: the object is everything up to the last dot. Last, replacing.
  for (const [key, value] of Object.entries(s.raw)) {
    const dot = key.lastIndexOf('.');
    const obj = key.slice(0, dot + 1);
    const param = key.slice(dot + 1);
    if (dot <= 0 || param === '') {
      throw appError('RULE_VIOLATION', `Obihai raw key "${key}" must be Object.Path.Parameter`, { field: key });
    }
    const params = (objects.get(obj) ?? []).filter(([n]) => n !== param);
    objects.delete(obj);
    objects.set(obj, [...params, [param, value]]);
  }
  return xmlFile(writeXml(group('ParameterList', [...objects].map(([name, params]) => object(name, params)))));
}

export const dialect = defineDialect('obihai', { device });
