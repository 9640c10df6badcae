import { el, group, writeXml, type XmlNode } from '../../server/provisioning/writers/xml-tree.ts';
import { posixTz, zoneRules } from '../../server/provisioning/timezone.ts';
import {
  credentialsIn,
  defineDialect,
  eventUrl,
  flag,
  keysFor,
  linesFor,
  referenceYear,
  xmlFile,
  type ProfileSection,
} from '../../server/provisioning/dialect-kit.ts';
import type { RenderInput, RenderedFile } from '../../server/provisioning/types.ts';

/**
 * Fanvil X-series, firmware ≥ 2.2.10 `<sysConf>` dialect (VENDORS.md §7 ✔ for the line keys and
 * `<date>`, `<cti>`, `<fwCheck>` names). Section names for LLDP (`<net>`), provisioning
 * (`<ap>` members beyond `FlashServerIP`), DSS keys and the phone book are ✘.
 */

/** `Transport`: 0 UDP, 1 TCP, 3 TLS (VENDORS.md §7 ✔). */
const TRANSPORT = { udp: '0', tcp: '1', tls: '3' } as const;

/** DSS key types: 1 line, 2 BLF... (✘ from Fanvil's DSS table as remembered). */
const DSS_TYPE = { line: '2', blf: '1', speeddial: '4' } as const;

/** `<cti>` URLs (VENDORS.md §7 ✔ names; Fanvil's URL variables are ✘, so none are used). */
const EVENTS = [
  ['BootCompletedUrl', 'setup'],
  ['RegOnUrl', 'registered'],
  ['RegOffUrl', 'unregistered'],
  ['RegFailedUrl', 'register_failed'],
  ['IPChangeUrl', 'ip_change'],
] as const;

/**
 * Applies a raw key `section/…/Name` (path of element names, `line[2]` for an indexed element):
 * replaces an existing element's text or appends the path, so raw keys come last and win.
 */
function applyRaw(root: XmlNode, path: string, value: string): void {
  let node = root;
  const parts = path.split('/');
  parts.forEach((part, i) => {
    const m = /^([^[\]]+)(?:\[(\d+)\])?$/.exec(part);
    const name = m?.[1] ?? part;
    const index = m?.[2];
    node.children ??= [];
    const match = (c: XmlNode): boolean =>
      c.name === name && (index === undefined || c.attrs?.some(([k, v]) => k === 'index' && v === index) === true);
    let child = node.children.find(match);
    if (child !== undefined && i === parts.length - 1) {
      node.children.splice(node.children.indexOf(child), 1);
      child = undefined;
    }
    if (child === undefined) {
      child = { name, ...(index !== undefined ? { attrs: [['index', index]] as [string, string][] } : {}) };
      node.children.push(child);
    }
    if (i === parts.length - 1) child.text = value;
    node = child;
  });
}

/**
 * Every section that can differ per device, declared once: the model's common file carries it as
 * the site-level default, the MAC file (fetched after it, VENDORS.md §7) with the device's own
 * profile and its provisioning credentials.
 */
const profileSection: ProfileSection<XmlNode[]> = (input, scope) => {
  const s = input.settings;
  const tz = zoneRules(s.time.timezone, referenceYear(input));
  return [
    group('phone', [
      group('date', [
        el('EnableSNTP', '1'),
        el('SNTPServer', s.time.ntp),
        // `TimeZone` as UTC offset in hours and `TimeZoneName` as POSIX TZ: both ✘ (VENDORS.md §7
        // names the elements only).
        el('TimeZone', String(tz.standardOffset / 60)),
        el('TimeZoneName', posixTz(tz)),
      ]),
    ]),
    group('net', [
      el('LLDPTransmit', flag(s.network.lldp)),
      ...(s.network.vlan !== undefined ? [el('VLANTag', s.network.vlan), el('EnableVLAN', '1')] : []),
    ]),
    ...(s.firmware !== undefined
      ? [group('fwCheck', [el('EnableAutoUpgrade', '1'), el('UpgradeServer1', s.firmware.url)])]
      : []),
    group('cti', [el('EnabledActionUrl', '1'), ...EVENTS.map(([name, event]) => el(name, eventUrl(s, `event=${event}`)))]),
    ...(s.directory !== undefined
      ? [group('phonebook', [group('RemoteBook', [el('Name', 'Directory'), el('URL', s.directory.url)], [['index', '1']])])]
      : []),
    provisioning(s.provisioning.url, credentialsIn(input, scope)),
  ];
};

function provisioning(url: string, c: { username: string; password: string } | undefined): XmlNode {
  return group('ap', [
    el('FlashServerIP', url),
    ...(c !== undefined ? [el('FlashUserName', c.username), el('FlashPassword', c.password)] : []),
    group('pnp', [el('PNPEnable', '0')]),
  ]);
}

const version = (): XmlNode => el('Version', '2.0000000000');

/** `common`: the model file, shared settings and no secrets. */
function common(input: RenderInput): RenderedFile {
  return xmlFile(writeXml(group('sysConf', [version(), ...profileSection(input, 'shared')])));
}

/** `device`: `<mac>.cfg`: lines, DSS keys, credentials, raw keys last. */
function device(input: RenderInput): RenderedFile {
  const s = input.settings;
  const lines = linesFor(input).map((line) =>
    group(
      'line',
      [
        el('PhoneNumber', line.extension),
        el('DisplayName', line.displayName),
        el('SipName', line.label),
        el('RegisterAddr', line.registrar),
        el('RegisterPort', line.port),
        el('RegisterUser', line.authUser),
        ...(line.secret !== '' ? [el('RegisterPswd', line.secret)] : []),
        el('EnableReg', flag(line.enabled)),
        el('Transport', TRANSPORT[line.transport]),
      ],
      [['index', String(line.index)]],
    ),
  );
  const keys = keysFor(input).map((k) =>
    group(
      'Fkey',
      [el('Type', DSS_TYPE[k.type]), el('Value', k.type === 'line' ? `SIP${k.value}` : k.value), el('Title', k.label)],
      [['index', String(k.index)]],
    ),
  );
  const root = group('sysConf', [
    version(),
    group('sip', lines),
    ...profileSection(input, 'device'),
    ...(keys.length > 0 ? [group('dsskey', [group('SoftDss', keys)])] : []),
  ]);
  for (const [path, value] of Object.entries(s.raw)) applyRaw(root, path, value);
  return xmlFile(writeXml(root));
}

export const dialect = defineDialect('fanvil', { common, device });
