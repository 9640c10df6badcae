import { SettingsList } from '../../server/provisioning/writers/settings-list.ts';
import { AASTRA_CFG, writeCfg } from '../../server/provisioning/writers/cfg-text.ts';
import { zoneRules, type TransitionRule } from '../../server/provisioning/timezone.ts';
import {
  credentialsIn,
  defineDialect,
  eventUrl,
  flag,
  keysFor,
  linesFor,
  referenceYear,
  splitUrl,
  textFile,
  type ProfileSection,
} from '../../server/provisioning/dialect-kit.ts';
import type { CanonicalSettings, RenderInput, RenderedFile } from '../../server/provisioning/types.ts';

/** Aastra/Mitel 67xxi/68xxi/69xx: `key: value` files aastra.cfg → <model>.cfg → <MAC>.cfg (VENDORS.md §9). */

/** `sip transport protocol`: 1 UDP, 2 TCP, 4 TLS (VENDORS.md §9 ✔). */
const TRANSPORT = { udp: '1', tcp: '2', tls: '4' } as const;

/**
 * Events (VENDORS.md §9 ✔ names and `$$VAR$$` variables). No `$$MAC$$` variable was seen, but the
 * phone's UA carries its MAC, which the status endpoint reads.
 */
const EVENTS = [
  ['action uri startup', 'event=startup&ip=$$LOCALIP$$'],
  ['action uri registered', 'event=registered&user=$$SIPUSERNAME$$&ip=$$LOCALIP$$'],
  // The SIP code alone says the outcome (domain/phone-events.ts); `$$REGISTRATIONSTATE$$` would
  // push the URI past the 128-character cap once it carries the device's event key.
  ['action uri registration event', 'event=registration&code=$$REGISTRATIONCODE$$'],
] as const;

/** The phone takes an action URI of at most this many characters (VENDORS.md §9). */
const URI_MAX = 128;
/** Characters of a device's event key (provisioning/event-key.ts: 12 hex MAC, 22 base64url tag). */
const EVENT_KEY_CHARS = 34;

/**
 * `action uri outgoing` with `$$REMOTENUMBER$$`, the dialled number, for the emergency-call
 * notification; null when the phone would get more than 128 characters. A cut URI would lose the
 * number or the key, so nothing is better: the notification then needs an agent or a shorter
 * public URL. The length counts the event key in full, as the device file carries it, also where
 * a preview masks it or a shared file has none, so every file of a device decides alike.
 */
function outgoingUri(s: CanonicalSettings): { uri: string | null; length: number } {
  const uri = eventUrl(s, 'event=outgoing&number=$$REMOTENUMBER$$');
  const key = s.status.key;
  const length = key === undefined ? uri.length + 1 + EVENT_KEY_CHARS : uri.length - encodeURIComponent(key).length + EVENT_KEY_CHARS;
  return { uri: length <= URI_MAX ? uri : null, length };
}

/**
 * Custom DST rule: `dst config: 3` with week-based start/end (member names ✘; from Aastra admin
 * guides as remembered). Week -1 = last, day 1 = Sunday.
 */
function dst(list: SettingsList, which: 'start' | 'end', r: TransitionRule): void {
  list
    .set(`dst ${which} relative date`, '1')
    .set(`dst ${which} month`, r.month)
    .set(`dst ${which} week`, r.week === 5 ? -1 : r.week)
    .set(`dst ${which} day`, r.weekday + 1)
    .set(`dst ${which} hour`, Math.floor(r.minutes / 60));
}

/**
 * Every setting that can differ per device except firmware, declared once: aastra.cfg carries it
 * as the site-level default and the MAC file again with the device's own profile (read last,
 * VENDORS.md §9 "aastra.cfg → <model>.cfg → <MAC>.cfg"; every key is valid in all three).
 */
const profileSection: ProfileSection<SettingsList> = (input) => {
  const s = input.settings;
  const tz = zoneRules(s.time.timezone, referenceYear(input));
  const prov = splitUrl(s.provisioning.url);
  const slash = prov.hostPath.indexOf('/');
  const list = new SettingsList()
    .set('time server disabled', '0')
    .set('time server1', s.time.ntp)
    .set('time zone name', 'Custom')
    // Minutes WEST of UTC (VENDORS.md §9 ✔: UTC+1 → -60).
    .set('time zone minutes', -tz.standardOffset)
    .set('dst config', tz.dst === undefined ? '0' : '3');
  if (tz.dst !== undefined) {
    list.set('dst minutes', tz.dst.offset - tz.standardOffset);
    dst(list, 'start', tz.dst.start);
    dst(list, 'end', tz.dst.end);
  }
  list
    .set('lldp', flag(s.network.lldp))
    // Provisioning server split into protocol, host and path (✘ key names beyond VENDORS.md).
    .set('download protocol', prov.scheme.toUpperCase())
    .set(`${prov.scheme === 'https' ? 'https' : 'http'} server`, slash < 0 ? prov.hostPath : prov.hostPath.slice(0, slash))
    .set(`${prov.scheme === 'https' ? 'https' : 'http'} path`, slash < 0 ? '' : prov.hostPath.slice(slash + 1));
  if (s.network.vlan !== undefined) list.set('tagging enabled', '1').set('vlan id', s.network.vlan);
  for (const [key, query] of EVENTS) list.set(key, eventUrl(s, query));
  list.setIf('action uri outgoing', outgoingUri(s).uri ?? undefined);
  return list;
};

/**
 * Firmware is pinned per model (`<model>.st` images), so its server is the model file's section;
 * the MAC file repeats it for the device's own profile.
 */
const modelSection: ProfileSection<SettingsList> = (input) =>
  new SettingsList().setIf('firmware server', input.settings.firmware?.url);

/** `common`: aastra.cfg, which must not be empty or the phone skips its MAC file (VENDORS.md §9). */
function common(input: RenderInput): RenderedFile {
  return textFile(writeCfg(profileSection(input, 'shared').entries(), AASTRA_CFG, 'deskprov common settings'));
}

/** `model`: `<model>.cfg`, read between aastra.cfg and the MAC file; without a pin it holds only a comment. */
function model(input: RenderInput): RenderedFile {
  return textFile(writeCfg(modelSection(input, 'shared').entries(), AASTRA_CFG, `deskprov settings for ${input.model.name}`));
}

/** `device`: `<MAC>.cfg`: lines, the profile and model sections, keys, credentials, raw keys last. */
function device(input: RenderInput): RenderedFile {
  const s = input.settings;
  const list = new SettingsList();
  const lines = linesFor(input);
  for (const line of lines) {
    const p = `sip line${line.index}`;
    list
      .set(`${p} auth name`, line.authUser)
      .set(`${p} user name`, line.extension);
    if (line.secret !== '') list.set(`${p} password`, line.secret);
    list
      .set(`${p} display name`, line.displayName)
      .set(`${p} screen name`, line.label)
      .set(`${p} proxy ip`, line.registrar)
      .set(`${p} proxy port`, line.port)
      // 0.0.0.0 as registrar turns registration off for the line (~ Aastra admin guide).
      .set(`${p} registrar ip`, line.enabled ? line.registrar : '0.0.0.0')
      .set(`${p} registrar port`, line.port);
  }
  const first = lines[0];
  if (first !== undefined) list.set('sip transport protocol', TRANSPORT[first.transport]);
  list.setAll(profileSection(input, 'device').entries()).setAll(modelSection(input, 'device').entries());
  // Programmable keys as `softkeyN` (✘: some models use `topsoftkey`/`prgkey`: a model override).
  for (const key of keysFor(input)) {
    const k = `softkey${key.index}`;
    list.set(`${k} type`, key.type).set(`${k} label`, key.label);
    if (key.type === 'line') list.set(`${k} line`, key.value);
    else list.set(`${k} value`, key.value).set(`${k} line`, '1');
  }
  const credentials = credentialsIn(input, 'device');
  if (credentials !== undefined) {
    // HTTP(S) credentials for the config server (✘ key names).
    list.set('https user name', credentials.username).set('https user password', credentials.password);
  }
  // `directory 1` names a directory file to download (✘ format: Aastra lists CSV); only set
  // when the pipeline publishes a directory for this dialect.
  if (s.directory !== undefined) list.set('directory 1', s.directory.url);
  list.overrideAll(s.raw);
  const outgoing = outgoingUri(s);
  const note =
    outgoing.uri === null && s.raw['action uri outgoing'] === undefined
      ? `action uri outgoing left out: it would be ${outgoing.length} characters, over the ${URI_MAX} the phone takes; a shorter public URL fits`
      : undefined;
  return textFile(writeCfg(list.entries(), AASTRA_CFG, note));
}

export const dialect = defineDialect('aastra', { common, model, device });
