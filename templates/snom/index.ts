import { el, group, writeXml, type XmlNode } from '../../server/provisioning/writers/xml-tree.ts';
import { SNOM_ZONES, lookupZoneName } from '../../server/provisioning/timezone-names.ts';
import {
  credentialsIn,
  defineDialect,
  eventUrl,
  keysFor,
  linesFor,
  referenceYear,
  xmlFile,
  type ProfileSection,
} from '../../server/provisioning/dialect-kit.ts';
import type { LineKey, RenderInput, RenderedFile } from '../../server/provisioning/types.ts';

/**
 * Snom D3xx/D7xx: `<settings><phone-settings>` XML with `perm` and `idx` attributes (VENDORS.md §6).
 * The phone fetches `snom<type>.htm` then `snom<type>-<MAC>.htm` on its own, so the common file
 * carries shared settings only and names no further files.
 */

type Setting = [name: string, value: string | number, idx?: number];

/**
 * Action URLs (VENDORS.md §6 ✔ names and `$mac`/`$active_user`/`$remote` variables; that `log_on`
 * means "registered" is ~). On `action_outgoing_url`, `$remote` is the other party, the dialled
 * number (as a number or a SIP URI, ✘; the server takes both, domain/emergency-call.ts).
 */
const EVENTS = [
  ['action_setup_url', 'setup'],
  ['action_log_on_url', 'registered'],
  ['action_log_off_url', 'unregistered'],
  ['action_outgoing_url', 'outgoing'],
] as const;
const EVENT_VARIABLES = 'mac=$mac&user=$active_user';
// The outgoing-call URL also names the dialled number, for the emergency-call notification.
const EVENT_EXTRA: Partial<Record<(typeof EVENTS)[number][1], string>> = { outgoing: '&number=$remote' };

function phoneSettings(settings: Setting[], raw: Record<string, string>): XmlNode {
  const byKey = new Map<string, Setting>();
  const put = (s: Setting): void => {
    const key = `${s[0]}#${s[2] ?? ''}`;
    byKey.delete(key);
    byKey.set(key, s);
  };
  settings.forEach(put);
  // A raw key `name` or `name[idx]` is applied last and replaces a generated setting.
  for (const [key, value] of Object.entries(raw)) {
    const m = /^(.+)\[(\d+)\]$/.exec(key);
    put(m === null ? [key, value] : [m[1] as string, value, Number(m[2])]);
  }
  return group(
    'phone-settings',
    [...byKey.values()].map(([name, value, idx]) =>
      el(name, value, idx === undefined ? [['perm', 'R']] : [['idx', String(idx)], ['perm', 'R']]),
    ),
  );
}

/**
 * Every setting that can differ per device, declared once: `snom<type>.htm` carries it as the
 * site-level default, `snom<type>-<MAC>.htm` (fetched after it, VENDORS.md §6) with the device's
 * own profile.
 */
const profileSection: ProfileSection<{ settings: Setting[]; firmware: XmlNode[] }> = (input) => ({
  settings: profileSettings(input),
  firmware: firmware(input),
});

function profileSettings(input: RenderInput): Setting[] {
  const s = input.settings;
  const out: Setting[] = [
    ['ntp_server', s.time.ntp],
    ['timezone', lookupZoneName(SNOM_ZONES, s.time.timezone, referenceYear(input))],
    ['setting_server', s.provisioning.url],
    // LLDP setting name is ✘ (VENDORS.md §6: not found); `lldp_enable` as in Snom's wiki list.
    ['lldp_enable', s.network.lldp ? 'on' : 'off'],
  ];
  if (s.network.vlan !== undefined) out.push(['vlan_id', s.network.vlan]);
  for (const [name, event] of EVENTS) out.push([name, eventUrl(s, `event=${event}&${EVENT_VARIABLES}${EVENT_EXTRA[event] ?? ''}`)]);
  return out;
}

function firmware(input: RenderInput): XmlNode[] {
  const fw = input.settings.firmware;
  return fw === undefined ? [] : [group('firmware-settings', [el('firmware', fw.url, [['perm', 'R']])])];
}

/** `fkey` value: `line`, `blf <sip:ext@host>`, `speed <number>` (Snom function keys ~). */
function fkeyValue(key: LineKey, host: string): string {
  if (key.type === 'line') return 'line';
  return key.type === 'blf' ? `blf <sip:${key.value}@${host}>` : `speed ${key.value}`;
}

/** `common`: `snom<type>.htm`, shared settings without secrets. */
function common(input: RenderInput): RenderedFile {
  const section = profileSection(input, 'shared');
  return xmlFile(writeXml(group('settings', [phoneSettings(section.settings, {}), ...section.firmware])));
}

/** `device`: `snom<type>-<MAC>.htm`, identities, keys, credentials, raw keys last. */
function device(input: RenderInput): RenderedFile {
  const s = input.settings;
  const lines = linesFor(input);
  const settings: Setting[] = [];
  for (const line of lines) {
    const i = line.index;
    settings.push(
      ['user_active', line.enabled ? 'on' : 'off', i],
      ['user_realname', line.displayName, i],
      ['user_name', line.extension, i],
      ['user_pname', line.authUser, i],
    );
    if (line.secret !== '') settings.push(['user_pass', line.secret, i]);
    settings.push(
      ['user_host', `${line.registrar}:${line.port}`, i],
      ['user_outbound', `${line.registrar}:${line.port};transport=${line.transport}`, i],
      ['user_idle_text', line.label, i],
    );
  }
  const section = profileSection(input, 'device');
  settings.push(...section.settings);
  const credentials = credentialsIn(input, 'device');
  if (credentials !== undefined) {
    // Credentials the phone sends when fetching settings (`http_user`/`http_pass`, ~).
    settings.push(['http_user', credentials.username], ['http_pass', credentials.password]);
  }
  const host = lines[0]?.registrar ?? '';
  // fkey idx is 0-based on the phone; the label attribute is honoured by 8.9+ firmware (~).
  const fkeys = keysFor(input).map((k) =>
    el('fkey', fkeyValue(k, host), [['idx', String(k.index - 1)], ['context', 'active'], ['label', k.label], ['perm', 'R']]),
  );
  const files =
    s.directory === undefined ? [] : [group('setting-files', [{ name: 'file', attrs: [['url', s.directory.url]] as [string, string][] }])];
  return xmlFile(
    writeXml(
      group('settings', [phoneSettings(settings, s.raw), ...(fkeys.length > 0 ? [group('functionKeys', fkeys)] : []), ...section.firmware, ...files]),
    ),
  );
}

/** `directory`: a `<tbook>` phone book, imported through the device file's setting-files list. */
function directory(input: RenderInput): RenderedFile {
  const items = (input.directory ?? []).map((e, i) =>
    group('item', [el('name', e.name), el('number', e.extension)], [['context', 'active'], ['type', 'none'], ['index', String(i)]]),
  );
  return xmlFile(writeXml(group('tbook', items, [['e', '2']])));
}

export const dialect = defineDialect('snom', { common, device, directory });
