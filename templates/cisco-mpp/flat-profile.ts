import { appError } from '../../server/errors.ts';
import { SettingsList } from '../../server/provisioning/writers/settings-list.ts';
import { el, group, writeXml } from '../../server/provisioning/writers/xml-tree.ts';
import { ciscoDstRule, gmtHoursMinutes, zoneRules } from '../../server/provisioning/timezone.ts';
import {
  credentialsIn,
  expandName,
  fileOfKind,
  keysFor,
  linesFor,
  referenceYear,
  xmlFile,
  type ProfileSection,
} from '../../server/provisioning/dialect-kit.ts';
import type { RenderInput, RenderedFile } from '../../server/provisioning/types.ts';

/**
 * Cisco `<flat-profile>` shared by SPA and MPP/3PCC (VENDORS.md §3): one element per web field,
 * later duplicates win, omitted fields keep their value. MPP adds `ua="na"` (user may not change).
 */

/** `SIP_Transport_N_` (VENDORS.md §3 ✔ for MPP). */
const TRANSPORT = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' } as const;

const yesNo = (on: boolean): string => (on ? 'Yes' : 'No');

/**
 * `$` starts a macro in rule fields (VENDORS.md §3 ✔: `$$` is a literal `$`), so URLs we did not
 * mean as templates are escaped before going into `Profile_Rule*` / `Upgrade_Rule`.
 */
function literal(url: string): string {
  // A function replacer: in a replacement string `$$` itself means one `$`.
  return url.replaceAll('$', () => '$$');
}

/** The catalogue's per-device file name in Cisco macros: `{mac}` → `$MA`, `{MAC}` → `$MAU`. */
function macroName(name: string, input: RenderInput): string {
  return literal(expandName(name, input.model)).replaceAll('{mac}', '$MA').replaceAll('{MAC}', '$MAU');
}

/** `[--uid u --pwd p]url` (VENDORS.md §3 ✔); `]` and spaces would end the option block. */
function withAuth(rule: string, c: { username: string; password: string } | undefined): string {
  if (c === undefined) return rule;
  for (const [field, v] of [['username', c.username], ['password', c.password]] as const) {
    if (/[\s\]]/.test(v)) {
      throw appError('RULE_VIOLATION', `Provisioning ${field} cannot hold spaces or "]" in a Cisco profile rule`, {
        field: `provisioning.credentials.${field}`,
      });
    }
  }
  return `[--uid ${c.username} --pwd ${c.password}]${rule}`;
}

/**
 * Settings every Cisco file carries, declared once: time, LLDP, VLAN, firmware, resync rule,
 * directory. The common file (Profile_Rule) has the site-level values; the device file
 * (Profile_Rule_B, run after it, VENDORS.md §3) the device's own, with its credentials.
 */
const profileSection: ProfileSection<SettingsList> = (input, scope) => {
  const s = input.settings;
  const tz = zoneRules(s.time.timezone, referenceYear(input));
  const list = new SettingsList()
    .set('Primary_NTP_Server', s.time.ntp)
    .set('Time_Zone', gmtHoursMinutes(tz.standardOffset))
    .set('Daylight_Saving_Time_Enable', yesNo(tz.dst !== undefined));
  const rule = ciscoDstRule(tz);
  if (rule !== undefined) list.set('Daylight_Saving_Time_Rule', rule);
  list.set('Enable_LLDP-MED', yesNo(s.network.lldp));
  if (s.network.vlan !== undefined) list.set('Enable_VLAN', 'Yes').set('VLAN_ID', s.network.vlan);
  list.set('Resync_On_Reset', 'Yes');
  const device = fileOfKind(input.model, 'device');
  if (device !== undefined) {
    const rule = `${literal(s.provisioning.url)}${macroName(device.name, input)}`;
    list.set('Profile_Rule_B', withAuth(rule, credentialsIn(input, scope)));
  }
  if (s.firmware !== undefined) list.set('Upgrade_Rule', literal(s.firmware.url));
  if (s.directory !== undefined) {
    list.set('XML_Directory_Service_Name', 'Directory').set('XML_Directory_Service_URL', s.directory.url);
  }
  return list;
};

function extensionOf(value: string, field: string): string {
  // `;` and `=` separate the sub-fields of `Extended_Function_N_`: a target holding one could add
  // fields, so it is refused rather than escaped (Cisco documents no escape).
  if (/[;=]/.test(value)) {
    throw appError('RULE_VIOLATION', `Key target of ${field} cannot contain ";" or "="`, { field });
  }
  return value;
}

/** Per-device settings: lines, buttons, credentials, raw keys last. */
function deviceSettings(input: RenderInput): SettingsList {
  const list = new SettingsList();
  const lines = linesFor(input);
  for (const line of lines) {
    const n = `_${line.index}_`;
    list
      .set(`Line_Enable${n}`, yesNo(line.enabled))
      .set(`Extension${n}`, line.index)
      .set(`Short_Name${n}`, line.label)
      .set(`Display_Name${n}`, line.displayName)
      .set(`User_ID${n}`, line.extension)
      .set(`Use_Auth_ID${n}`, 'Yes')
      .set(`Auth_ID${n}`, line.authUser);
    if (line.secret !== '') list.set(`Password${n}`, line.secret);
    list
      .set(`Proxy${n}`, line.registrar)
      .set(`SIP_Port${n}`, line.port)
      .set(`SIP_Transport${n}`, TRANSPORT[line.transport]);
  }
  const host = lines[0]?.registrar ?? '';
  // Button N (`Extension_N_`, `Short_Name_N_`) is separate from Ext N's SIP settings above.
  // `Extended_Function_N_` syntax `fnc=blf+sd+cp;sub=…` is ~ (MPP admin guide, not in VENDORS.md).
  for (const key of keysFor(input)) {
    const n = `_${key.index}_`;
    list.set(`Short_Name${n}`, key.label);
    if (key.type === 'line') {
      list.set(`Extension${n}`, key.value);
    } else {
      const target = `${extensionOf(key.value, `Extended_Function${n}`)}@${host}`;
      list
        .set(`Extension${n}`, 'Disabled')
        .set(`Extended_Function${n}`, key.type === 'blf' ? `fnc=blf+sd+cp;sub=${target}` : `fnc=sd;ext=${target}`);
    }
  }
  list.setAll(profileSection(input, 'device').entries());
  list.overrideAll(input.settings.raw);
  return list;
}

function write(list: SettingsList, ua: boolean): RenderedFile {
  const attrs: [string, string][] | undefined = ua ? [['ua', 'na']] : undefined;
  return xmlFile(writeXml(group('flat-profile', list.entries().map(([k, v]) => el(k, v, attrs)))));
}

/** The two templates of a flat-profile dialect; `ua` marks MPP's `ua="na"` attributes. */
export function flatProfileTemplates(ua: boolean): Record<'common' | 'device', (input: RenderInput) => RenderedFile> {
  return {
    common: (input) => write(profileSection(input, 'shared'), ua),
    device: (input) => write(deviceSettings(input), ua),
  };
}
