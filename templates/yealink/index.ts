import { assertSafeText } from '../../server/provisioning/writers/safe-text.ts';
import { SettingsList } from '../../server/provisioning/writers/settings-list.ts';
import { YEALINK_CFG, writeCfg } from '../../server/provisioning/writers/cfg-text.ts';
import { el, group, writeXml } from '../../server/provisioning/writers/xml-tree.ts';
import { zoneRules, signedHours, type TransitionRule } from '../../server/provisioning/timezone.ts';
import { appError } from '../../server/errors.ts';
import {
  credentialsIn,
  defineDialect,
  eventUrl,
  expandName,
  fileOfKind,
  flag,
  keysFor,
  linesFor,
  referenceYear,
  textFile,
  xmlFile,
  type ProfileSection,
} from '../../server/provisioning/dialect-kit.ts';
import type { RenderInput } from '../../server/provisioning/types.ts';

/** Yealink T/CP/W series: `key = value` cfg files indexed by a boot file (VENDORS.md §1). */

/** `account.N.sip_server.1.transport_type` (VENDORS.md §1 ✔). */
const TRANSPORT = { udp: '0', tcp: '1', tls: '2' } as const;

/** `linekey.N.type`: 15 line, 16 BLF, 13 speed dial (Yealink admin guide ~, not in VENDORS.md). */
const KEY_TYPE = { line: '15', blf: '16', speeddial: '13' } as const;

/**
 * Events reported to the status endpoint (VENDORS.md §1 "Events" ✔; `$mac` format ✘).
 * `outgoing_call` is among VENDORS.md's "and more": the key is in Yealink's factory cfg list of
 * `action_url.*` keys (~). Its `$remote` (VENDORS.md ✔ as a variable) is the other party; whether
 * the phone fills in the bare number or a SIP URI is ✘, and the server takes both
 * (domain/emergency-call.ts `dialledDigits`).
 */
const EVENTS = ['setup_completed', 'registered', 'unregistered', 'register_failed', 'ip_change', 'outgoing_call'] as const;
const EVENT_VARIABLES = 'mac=$mac&ip=$ip&model=$model&firmware=$firmware';
// The outgoing-call URL also names the dialled number, for the emergency-call notification.
const EVENT_EXTRA: Partial<Record<(typeof EVENTS)[number], string>> = { outgoing_call: '&number=$remote' };

/**
 * Yealink DST "by week" value `month/week/weekday/hour`, weekday 1 = Monday … 7 = Sunday and
 * week 5 = last (~ from Yealink admin guides; not verified in VENDORS.md).
 */
function weekRule(r: TransitionRule): string {
  return `${r.month}/${r.week}/${r.weekday === 0 ? 7 : r.weekday}/${Math.floor(r.minutes / 60)}`;
}

function include(name: string): string {
  assertSafeText(name, 'include:config', 'value');
  if (name.includes('"')) throw appError('RULE_VIOLATION', 'File names cannot contain quotes', { field: 'include:config' });
  return `include:config "${name}"`;
}

/**
 * `boot`: the index of cfg files, applied top to bottom so the MAC file overrides the common one.
 * The shared `y000000000000.boot` (no MAC) lists only the common file: it is served to phones we
 * cannot tell apart, and naming `{mac}.cfg` there would make each phone request its own MAC file,
 * which it already did first (`<mac>.boot` → 404 means we hold nothing for that MAC).
 */
function boot(input: RenderInput): ReturnType<typeof textFile> {
  const common = fileOfKind(input.model, 'common');
  const device = fileOfKind(input.model, 'device');
  const lines = ['#!version:1.0.0.1'];
  if (common !== undefined) lines.push(include(expandName(common.name, input.model)));
  if (input.mac !== undefined && device !== undefined) lines.push(include(expandName(device.name, input.model, input.mac)));
  lines.push('overwrite_mode = 1');
  return textFile(`${lines.join('\n')}\n`);
}

/**
 * Every setting that can differ per device, declared once: the common file carries it as the
 * site-level default, the MAC file again with the device's own profile (applied after the common
 * file, VENDORS.md §1 boot order).
 */
const profileSection: ProfileSection<SettingsList> = (input) => {
  const s = input.settings;
  const tz = zoneRules(s.time.timezone, referenceYear(input));
  const list = new SettingsList()
    .set('local_time.ntp_server1', s.time.ntp)
    .set('local_time.time_zone', signedHours(tz.standardOffset))
    .set('local_time.summer_time', flag(tz.dst !== undefined));
  if (tz.dst !== undefined) {
    list
      .set('local_time.dst_time_type', '1')
      .set('local_time.start_time', weekRule(tz.dst.start))
      .set('local_time.end_time', weekRule(tz.dst.end))
      .set('local_time.offset_time', tz.dst.offset - tz.standardOffset);
  }
  list
    .set('static.network.lldp.enable', flag(s.network.lldp))
    .set('static.auto_provision.server.url', s.provisioning.url);
  if (s.network.vlan !== undefined) {
    list.set('static.network.vlan.internet_port_enable', '1').set('static.network.vlan.internet_port_vid', s.network.vlan);
  }
  if (s.firmware !== undefined) list.set('static.firmware.url', s.firmware.url);
  for (const event of EVENTS) {
    list.set(`action_url.${event}`, eventUrl(s, `event=${event}&${EVENT_VARIABLES}${EVENT_EXTRA[event] ?? ''}`));
  }
  if (s.directory !== undefined) {
    list.set('remote_phonebook.data.1.url', s.directory.url).set('remote_phonebook.data.1.name', 'Directory');
  }
  return list;
};

/** `common`: the profile section with site-level values, never secrets. */
function common(input: RenderInput): ReturnType<typeof textFile> {
  return textFile(writeCfg(profileSection(input, 'shared').entries(), YEALINK_CFG));
}

/** `device`: accounts, line keys, the profile section, provisioning credentials, then raw profile keys. */
function device(input: RenderInput): ReturnType<typeof textFile> {
  const s = input.settings;
  const list = new SettingsList();
  for (const line of linesFor(input)) {
    const a = `account.${line.index}`;
    list
      .set(`${a}.enable`, flag(line.enabled))
      .set(`${a}.label`, line.label)
      .set(`${a}.display_name`, line.displayName)
      .set(`${a}.auth_name`, line.authUser)
      .set(`${a}.user_name`, line.extension);
    // An empty secret means "withheld": leave the phone's stored password alone.
    if (line.secret !== '') list.set(`${a}.password`, line.secret);
    list
      .set(`${a}.sip_server.1.address`, line.registrar)
      .set(`${a}.sip_server.1.port`, line.port)
      .set(`${a}.sip_server.1.transport_type`, TRANSPORT[line.transport]);
  }
  for (const key of keysFor(input)) {
    const k = `linekey.${key.index}`;
    list.set(`${k}.type`, KEY_TYPE[key.type]);
    if (key.type === 'line') list.set(`${k}.line`, key.value).set(`${k}.value`, '%NULL%');
    else list.set(`${k}.line`, '1').set(`${k}.value`, key.value);
    list.set(`${k}.label`, key.label);
  }
  list.setAll(profileSection(input, 'device').entries());
  const credentials = credentialsIn(input, 'device');
  if (credentials !== undefined) {
    list
      .set('static.auto_provision.server.username', credentials.username)
      .set('static.auto_provision.server.password', credentials.password);
  }
  list.overrideAll(s.raw);
  return textFile(writeCfg(list.entries(), YEALINK_CFG));
}

/** `directory`: Yealink remote phone book XML. */
function directory(input: RenderInput): ReturnType<typeof xmlFile> {
  return xmlFile(
    writeXml(
      group(
        'YealinkIPPhoneDirectory',
        (input.directory ?? []).map((e) => group('DirectoryEntry', [el('Name', e.name), el('Telephone', e.extension)])),
      ),
    ),
  );
}

export const dialect = defineDialect('yealink', { boot, common, device, directory });
