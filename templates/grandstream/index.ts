import { SettingsList } from '../../server/provisioning/writers/settings-list.ts';
import { writePValues } from '../../server/provisioning/writers/p-values.ts';
import { el, group, writeXml } from '../../server/provisioning/writers/xml-tree.ts';
import { posixTz, zoneRules } from '../../server/provisioning/timezone.ts';
import {
  credentialsIn,
  defineDialect,
  eventUrl,
  flag,
  keysFor,
  linesFor,
  referenceYear,
  requireMac,
  splitUrl,
  xmlFile,
  type ProfileSection,
} from '../../server/provisioning/dialect-kit.ts';
import type { LineKey, RenderInput, RenderedFile } from '../../server/provisioning/types.ts';

/** Grandstream GXP/GRP/HT/WP: `<gs_provision>` P-values (VENDORS.md §5). */

/** One account's P-value numbers. */
interface AccountMap {
  active: string;
  name: string;
  server: string;
  userId: string;
  authId: string;
  password: string;
  displayName: string;
  transport: string;
}

/**
 * Account 1 is ✔ (VENDORS.md §5, [W]/[F]). Accounts 2-4 follow the block pattern VENDORS.md marks
 * ~ (`P4xx`, `P5xx`, `P6xx`); their exact members are ✘ (from Grandstream's P-value sheets as
 * remembered, not verified). Lines beyond this table are not rendered.
 */
const ACCOUNTS: AccountMap[] = [
  { active: 'P271', name: 'P270', server: 'P47', userId: 'P35', authId: 'P36', password: 'P34', displayName: 'P3', transport: 'P130' },
  { active: 'P401', name: 'P417', server: 'P402', userId: 'P404', authId: 'P405', password: 'P406', displayName: 'P407', transport: 'P448' },
  { active: 'P501', name: 'P517', server: 'P502', userId: 'P504', authId: 'P505', password: 'P506', displayName: 'P507', transport: 'P548' },
  { active: 'P601', name: 'P617', server: 'P602', userId: 'P604', authId: 'P605', password: 'P606', displayName: 'P607', transport: 'P648' },
];

/** `P130`: 0 UDP, 1 TCP, 2 TLS (VENDORS.md §5 ✔). */
const TRANSPORT = { udp: '0', tcp: '1', tls: '2' } as const;

/** `P212` upgrade/config protocol: 0 TFTP, 1 HTTP, 2 HTTPS (VENDORS.md §5 ✔). */
const PROTOCOL: Record<string, string> = { tftp: '0', http: '1', https: '2' };

/**
 * Multi-purpose keys k = 1..7: mode `P(322+k)`, account `P(298+3k)`, name `P(299+3k)`, value
 * `P(300+3k)`; modes 0 speed dial, 1 BLF (✘: GXP P-value sheet as remembered). Line keys are the
 * phone's default layout, so `line` keys are not written.
 */
/**
 * Action URLs (web UI Settings → Outbound Notification → Action URL) reported to the status
 * endpoint: P8304 Setup Completed, P8305 Registered, P8306 Unregistered, P8311 Outgoing Call
 * (GRP261x/GRP26xx administration guides, "Action URL Parameters P-values"; VENDORS.md §5 has
 * only the GRP `ons.actionUrl.*` names, which are the `<item>` form this writer does not render).
 * Variables `$mac`, `$phone_ip`, `$program_version`, `$remote` (the other party: the dialled
 * number on an outgoing call) are from the GXP17xx/GRP guides. That GXP21xx, HT and WP models take
 * the same P-values, and that the field takes a URL with its scheme (the guides' examples leave it
 * out), are ✘: see the model notes.
 */
const EVENTS = [
  ['P8304', 'setup_completed'],
  ['P8305', 'registered'],
  ['P8306', 'unregistered'],
  ['P8311', 'outgoing_call'],
] as const;
const EVENT_VARIABLES = 'mac=$mac&ip=$phone_ip&firmware=$program_version';
// The outgoing-call URL also names the dialled number, for the emergency-call notification.
const EVENT_EXTRA: Partial<Record<(typeof EVENTS)[number][1], string>> = { outgoing_call: '&number=$remote' };

const MPK_COUNT = 7;
const MPK_MODE = { speeddial: '0', blf: '1' } as const;

function mpk(list: SettingsList, key: LineKey): void {
  if (key.type === 'line' || key.index > MPK_COUNT) return;
  const k = key.index;
  list
    .set(`P${322 + k}`, MPK_MODE[key.type])
    .set(`P${298 + 3 * k}`, '0')
    .set(`P${299 + 3 * k}`, key.label)
    .set(`P${300 + 3 * k}`, key.value);
}

/**
 * Settings the model file and the device file both carry, declared once. The phone takes
 * `cfg<model>.xml` only when `cfg<mac>.xml` fails (VENDORS.md §5), so the device file must hold
 * all of them with the device's own profile. No secrets.
 */
const profileSection: ProfileSection<SettingsList> = (input) => {
  const s = input.settings;
  const prov = splitUrl(s.provisioning.url);
  const list = new SettingsList()
    .set('P30', s.time.ntp)
    .set('P64', posixTz(zoneRules(s.time.timezone, referenceYear(input)), true))
    .set('P1684', flag(s.network.lldp))
    .set('P212', PROTOCOL[prov.scheme] ?? '1')
    .set('P237', prov.hostPath.replace(/\/$/, ''))
    // P145 = 0: the server named here wins over DHCP option 66 from now on.
    .set('P145', '0');
  if (s.network.vlan !== undefined) list.set('P51', s.network.vlan);
  if (s.firmware !== undefined) {
    const fw = splitUrl(s.firmware.url);
    // P192 takes the firmware folder; the file name (`<family>fw.bin`) is the phone's (✘).
    list.set('P192', fw.hostPath.replace(/\/[^/]*$/, '')).set('P194', '1');
  }
  if (s.directory !== undefined) {
    // Phonebook XML download: P330 1 = HTTP, P331 its URL (✘ from the P-value sheet).
    list.set('P330', '1').set('P331', splitUrl(s.directory.url).hostPath);
  }
  for (const [p, event] of EVENTS) list.set(p, eventUrl(s, `event=${event}&${EVENT_VARIABLES}${EVENT_EXTRA[event] ?? ''}`));
  return list;
};

/** `device`: `cfg<mac>.xml`, with the `<mac>` header the phone checks. */
function device(input: RenderInput): RenderedFile {
  const s = input.settings;
  const list = new SettingsList();
  for (const line of linesFor(input)) {
    const p = ACCOUNTS[line.index - 1];
    if (p === undefined) continue;
    list
      .set(p.active, flag(line.enabled))
      .set(p.name, line.label)
      .set(p.server, `${line.registrar}:${line.port}`)
      .set(p.userId, line.extension)
      .set(p.authId, line.authUser);
    if (line.secret !== '') list.set(p.password, line.secret);
    list.set(p.displayName, line.displayName).set(p.transport, TRANSPORT[line.transport]);
  }
  for (const key of keysFor(input)) mpk(list, key);
  list.setAll(profileSection(input, 'device').entries());
  const credentials = credentialsIn(input, 'device');
  if (credentials !== undefined) {
    // HTTP/HTTPS user name and password for the config server (P1360/P1361, ✘).
    list.set('P1360', credentials.username).set('P1361', credentials.password);
  }
  list.overrideAll(s.raw);
  return xmlFile(writePValues(list.entries(), requireMac(input)));
}

/** `common`: `cfg<model>.xml`, no secrets and no `<mac>` (it must match or be absent). */
function common(input: RenderInput): RenderedFile {
  return xmlFile(writePValues(profileSection(input, 'shared').entries()));
}

/** `directory`: Grandstream phonebook XML. */
function directory(input: RenderInput): RenderedFile {
  const contacts = (input.directory ?? []).map((e) =>
    group('Contact', [
      el('FirstName', e.name),
      group('Phone', [el('phonenumber', e.extension), el('accountindex', '1')], [['type', 'Work']]),
    ]),
  );
  return xmlFile(writeXml(group('AddressBook', contacts)));
}

export const dialect = defineDialect('grandstream', { device, common, directory });
