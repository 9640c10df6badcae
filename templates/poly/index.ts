import { SettingsList } from '../../server/provisioning/writers/settings-list.ts';
import { writeXmlAttributes } from '../../server/provisioning/writers/xml-attributes.ts';
import { el, group, writeXml } from '../../server/provisioning/writers/xml-tree.ts';
import { zoneRules, type TransitionRule } from '../../server/provisioning/timezone.ts';
import {
  defineDialect,
  eventUrl,
  expandName,
  fileOfKind,
  flag,
  keysFor,
  linesFor,
  referenceYear,
  splitUrl,
  xmlFile,
} from '../../server/provisioning/dialect-kit.ts';
import type { LineKey, RenderInput, RenderedFile } from '../../server/provisioning/types.ts';

/** Poly VVX / Edge E / Trio (UC Software): XML files whose settings are attributes (VENDORS.md §2). */

/** `reg.N.server.1.transport` (VENDORS.md §2 ✔). */
const TRANSPORT = { udp: 'UDPOnly', tcp: 'TCPOnly', tls: 'TLS' } as const;

/** `lineKey.N.category` (~ Poly UC 5.x+ admin guide "flexible line keys"; not in VENDORS.md). */
const KEY_CATEGORY = { line: 'Line', blf: 'BLF' } as const;

/** `device.prov.serverType`: 0 FTP, 1 TFTP, 2 HTTP, 3 HTTPS (~ Poly admin guide). */
const SERVER_TYPE: Record<string, string> = { ftp: '0', tftp: '1', http: '2', https: '3' };

/** Placeholder the phone replaces with its own MAC in the shared master file (VENDORS.md §2 ✔). */
const PHONE_MAC = '[PHONE_MAC_ADDRESS]';

/** `master`: APPLICATION element naming the firmware and this phone's config file. */
function master(input: RenderInput): RenderedFile {
  const device = fileOfKind(input.model, 'device');
  const configFile =
    device === undefined ? '' : expandName(device.name, input.model, input.mac).replaceAll('{mac}', PHONE_MAC).replaceAll('{MAC}', PHONE_MAC);
  return xmlFile(
    writeXmlAttributes('APPLICATION', [
      ['APP_FILE_PATH', input.settings.firmware?.url ?? 'sip.ld'],
      ['CONFIG_FILES', configFile],
    ]),
  );
}

/**
 * DST rule keys (`tcpIpApp.sntp.daylightSavings.*`, VENDORS.md §2 names the family ✔; the member
 * names and meanings are ~ from the Poly admin guide): with `fixedDayEnable=0`, `date` is the first
 * day of the week holding the change (1, 8, 15, 22) and `dayOfWeek` is 1 = Sunday … 7 = Saturday.
 */
function dstRule(list: SettingsList, which: 'start' | 'stop', r: TransitionRule): void {
  const p = `tcpIpApp.sntp.daylightSavings.${which}`;
  list
    .set(`${p}.month`, r.month)
    .set(`${p}.date`, r.week === 5 ? 1 : (r.week - 1) * 7 + 1)
    .set(`${p}.dayOfWeek`, r.weekday + 1)
    .set(`${p}.dayOfWeek.lastInMonth`, flag(r.week === 5))
    .set(`${p}.time`, Math.floor(r.minutes / 60));
}

/** `device`: registrations, time, provisioning, events, keys, then raw profile keys. */
function device(input: RenderInput): RenderedFile {
  const s = input.settings;
  const list = new SettingsList();
  for (const line of linesFor(input)) {
    const r = `reg.${line.index}`;
    // `reg.N.enable` is ~ (UC 5.x+); older software keys disabling on an empty address.
    list
      .set(`${r}.enable`, flag(line.enabled))
      .set(`${r}.address`, line.extension)
      .set(`${r}.auth.userId`, line.authUser);
    if (line.secret !== '') list.set(`${r}.auth.password`, line.secret);
    list
      .set(`${r}.displayName`, line.displayName)
      .set(`${r}.label`, line.label)
      .set(`${r}.server.1.address`, line.registrar)
      .set(`${r}.server.1.port`, line.port)
      .set(`${r}.server.1.transport`, TRANSPORT[line.transport]);
  }
  const tz = zoneRules(s.time.timezone, referenceYear(input));
  list
    .set('tcpIpApp.sntp.address', s.time.ntp)
    .set('tcpIpApp.sntp.address.overrideDHCP', '1')
    .set('tcpIpApp.sntp.gmtOffset', tz.standardOffset * 60)
    .set('tcpIpApp.sntp.gmtOffset.overrideDHCP', '1')
    .set('tcpIpApp.sntp.daylightSavings.enable', flag(tz.dst !== undefined));
  if (tz.dst !== undefined) {
    list.set('tcpIpApp.sntp.daylightSavings.fixedDayEnable', '0');
    dstRule(list, 'start', tz.dst.start);
    dstRule(list, 'stop', tz.dst.end);
  }
  // `device.*` keys take effect only with their `.set` companion and `device.set` (VENDORS.md §2 ✔).
  const deviceKey = (key: string, value: string | number): void => {
    list.set(key, value).set(`${key}.set`, '1');
  };
  list.set('device.set', '1');
  deviceKey('device.net.lldpEnabled', flag(s.network.lldp));
  if (s.network.vlan !== undefined) deviceKey('device.net.vlanId', s.network.vlan);
  const prov = splitUrl(s.provisioning.url);
  deviceKey('device.prov.serverType', SERVER_TYPE[prov.scheme] ?? '2');
  deviceKey('device.prov.serverName', prov.hostPath);
  if (s.provisioning.credentials !== undefined) {
    deviceKey('device.prov.user', s.provisioning.credentials.username);
    deviceKey('device.prov.password', s.provisioning.credentials.password);
  }
  if (s.firmware !== undefined) deviceKey('device.prov.upgradeServer', s.firmware.url);
  // The phone POSTs an XML event document that carries its own MAC (VENDORS.md §2 ✔), so the
  // URL needs no variables. `lineRegistrationEvent` is ~ (third-party configs only).
  list
    .set('apps.telNotification.URL', eventUrl(s, 'vendor=poly'))
    .set('apps.telNotification.lineRegistrationEvent', '1')
    .set('apps.telNotification.offhookEvent', '1')
    .set('apps.telNotification.onhookEvent', '1')
    .set('apps.telNotification.incomingEvent', '1')
    .set('apps.telNotification.outgoingEvent', '1');
  // A Poly speed dial points at a local contact-directory entry, which deskprov does not write:
  // speed-dial keys are left out rather than pointed at a wrong index.
  const keys = keysFor(input).filter((k): k is LineKey & { type: 'line' | 'blf' } => k.type !== 'speeddial');
  if (keys.length > 0) list.set('lineKey.reassignment.enabled', '1');
  let blf = 0;
  for (const key of keys) {
    list.set(`lineKey.${key.index}.category`, KEY_CATEGORY[key.type]);
    if (key.type === 'blf') {
      // BLF targets live in the attendant resource list (~); the key points at its entry.
      blf += 1;
      list
        .set(`attendant.resourceList.${blf}.address`, key.value)
        .set(`attendant.resourceList.${blf}.label`, key.label)
        .set(`lineKey.${key.index}.index`, blf);
    } else {
      list.set(`lineKey.${key.index}.index`, key.value);
    }
  }
  list.overrideAll(s.raw);
  return xmlFile(writeXmlAttributes('polycomConfig', list.entries()));
}

/** `directory`: `000000000000-directory.xml`, which the phone fetches on its own (VENDORS.md §2). */
function directory(input: RenderInput): RenderedFile {
  const items = (input.directory ?? []).map((e) => group('item', [el('fn', e.name), el('ct', e.extension)]));
  return xmlFile(writeXml(group('directory', [group('item_list', items)]), { standalone: true }));
}

export const dialect = defineDialect('poly', { master, device, directory });
