import ipaddr from 'ipaddr.js';
import { appError } from '../errors.ts';
import type { ModelProfile } from '../provisioning/types.ts';

/**
 * DHCP configuration fragments that point phones at deskprov (VENDORS.md §10): option 66 (TFTP
 * server name, in practice a URL), 160 (Poly provisioning URL), 43 sub-options (Aastra
 * sub-option 2, Snom sub-option 66), 150 (Cisco enterprise TFTP IP list), each sent to the phones
 * a class matches by option 60 vendor class prefix or by MAC OUI. Output for ISC dhcpd, Kea and
 * dnsmasq. Pure: the caller passes the URL, the TFTP host and (from the catalogue) the OUIs.
 */

export type DhcpFormat = 'isc' | 'kea' | 'dnsmasq';
export const DHCP_FORMATS: readonly DhcpFormat[] = ['isc', 'kea', 'dnsmasq'];

/** MAC prefixes per catalogue vendor. */
export interface DhcpVendorFacts {
  vendor: string;
  /** 6 lowercase hex digits each. */
  ouis: string[];
}

/** What to send and how a class recognises its phones. Vendor knowledge: data, not code. */
export interface DhcpVendorRule {
  /** Class name suffix, `deskprov-<id>`. */
  id: string;
  /** Catalogue vendor whose OUIs the class matches (omit to match by vendor class only). */
  ouiVendor?: string;
  /** Option 60 must start with this (case-sensitive, as every server compares). */
  vendorClassPrefix?: string;
  /**
   * dnsmasq matches option 60 by SUBSTRING and splits its arguments on commas: a distinctive
   * comma-free part of the class, when the prefix is not one.
   */
  dnsmasqVendorClass?: string;
  options: DhcpOptionRule[];
  /** One line for the comment above the class. */
  why: string;
}

/**
 * `{base}` = public URL (ends in `/`), `{tftp}` = TFTP host. `sub` turns the value into an
 * option 43 sub-option (RFC 2132 §8.4: code, length, data).
 */
export type DhcpOptionRule =
  | { code: 66 | 160; value: '{base}' | '{tftp}' }
  | { code: 150; value: '{tftp}' }
  | { code: 43; sub: number; value: '{base}' };

export const DHCP_VENDOR_RULES: readonly DhcpVendorRule[] = [
  { id: 'yealink', ouiVendor: 'yealink', options: [{ code: 66, value: '{base}' }], why: 'Yealink: custom option > 66 > 43; 66 as a URL' },
  { id: 'poly', ouiVendor: 'poly', options: [{ code: 160, value: '{base}' }, { code: 66, value: '{base}' }], why: 'Poly: 160 (provisioning URL), then 66' },
  { id: 'cisco-enterprise', vendorClassPrefix: 'Cisco Systems, Inc. IP Phone', dnsmasqVendorClass: 'Cisco Systems', options: [{ code: 150, value: '{tftp}' }, { code: 66, value: '{tftp}' }], why: 'Cisco enterprise (SEP): 150 TFTP IP list, 66 as fallback' },
  { id: 'cisco-mpp', vendorClassPrefix: 'CP-', dnsmasqVendorClass: '-3PCC', options: [{ code: 66, value: '{base}' }], why: 'Cisco MPP (3PCC): 66 as a URL' },
  { id: 'cisco-spa', vendorClassPrefix: 'Cisco SPA', options: [{ code: 66, value: '{base}' }], why: 'Cisco SPA: 66 as a URL' },
  { id: 'grandstream', ouiVendor: 'grandstream', options: [{ code: 66, value: '{base}' }], why: 'Grandstream: 66 as a folder URL' },
  { id: 'snom', ouiVendor: 'snom', vendorClassPrefix: 'snom', options: [{ code: 43, sub: 66, value: '{base}' }, { code: 66, value: '{base}' }], why: 'Snom: 43 sub-option 66 wins over plain 66' },
  { id: 'fanvil', ouiVendor: 'fanvil', options: [{ code: 66, value: '{base}' }], why: 'Fanvil: 66 as a URL' },
  { id: 'aastra', ouiVendor: 'aastra', vendorClassPrefix: 'AastraIPPhone', options: [{ code: 43, sub: 2, value: '{base}' }, { code: 66, value: '{base}' }], why: 'Aastra/Mitel: 43 sub-option 2 = configuration server' },
  { id: 'obihai', ouiVendor: 'obihai', options: [{ code: 66, value: '{base}' }], why: 'Obihai: 66 as a URL' },
];

/**
 * OUIs used when no catalogue is passed (the same prefixes as firmware-profiles and VENDORS.md
 * §10); `dhcpVendorFacts(readCatalog(dir).all())` gives the live list.
 */
export const DEFAULT_DHCP_VENDORS: readonly DhcpVendorFacts[] = [
  { vendor: 'yealink', ouis: ['001565', '249ad8', '44dbd2', '805ec0'] },
  { vendor: 'poly', ouis: ['0004f2', '482567', '64167f'] },
  { vendor: 'grandstream', ouis: ['000b82', 'c074ad', 'ec74d7'] },
  { vendor: 'snom', ouis: ['000413'] },
  { vendor: 'fanvil', ouis: ['00a859', '0c383e'] },
  { vendor: 'aastra', ouis: ['00085d', '1400e9'] },
  { vendor: 'obihai', ouis: ['9cadef'] },
];

/** Folds the catalogue's per-model OUIs into one sorted list per vendor. */
export function dhcpVendorFacts(models: readonly Pick<ModelProfile, 'vendor' | 'oui'>[]): DhcpVendorFacts[] {
  const byVendor = new Map<string, Set<string>>();
  for (const model of models) {
    const set = byVendor.get(model.vendor) ?? new Set<string>();
    for (const oui of model.oui) if (/^[0-9a-f]{6}$/.test(oui)) set.add(oui);
    byVendor.set(model.vendor, set);
  }
  return [...byVendor].map(([vendor, ouis]) => ({ vendor, ouis: [...ouis].sort() }));
}

export interface DhcpSnippetInput {
  format: DhcpFormat;
  /** Base URL phones fetch from (`config.publicUrl`). */
  publicUrl: string;
  /** TFTP server for option 66 where a host is wanted and option 150 (which needs an IPv4 address). */
  tftpHost: string;
  vendors?: readonly DhcpVendorFacts[];
  rules?: readonly DhcpVendorRule[];
}

/** Option value cap: DHCPv4 options carry at most 255 bytes (RFC 2132 §2). */
const MAX_OPTION_BYTES = 255;

interface ResolvedClass {
  name: string;
  why: string;
  vendorClassPrefix?: string;
  dnsmasqVendorClass?: string;
  ouis: string[];
  options: ResolvedOption[];
}

type ResolvedOption =
  | { code: 66 | 160; text: string }
  | { code: 150; ips: string[] }
  | { code: 43; bytes: Buffer };

/** A ready fragment for `format`; throws INVALID_FIELD for a URL or host no phone could use. */
export function dhcpSnippet(input: DhcpSnippetInput): string {
  const classes = resolveClasses(input);
  switch (input.format) {
    case 'isc':
      return renderIsc(classes, input);
    case 'kea':
      return renderKea(classes, input);
    case 'dnsmasq':
      return renderDnsmasq(classes, input);
  }
}

function resolveClasses(input: DhcpSnippetInput): ResolvedClass[] {
  const base = checkedBaseUrl(input.publicUrl);
  const tftp = input.tftpHost.trim();
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(tftp)) {
    throw appError('INVALID_FIELD', 'tftpHost must be a host name or an IPv4 address', { field: 'tftpHost' });
  }
  const tftpIsIp = ipaddr.IPv4.isValidFourPartDecimal(tftp);
  const vendors = input.vendors ?? DEFAULT_DHCP_VENDORS;
  const out: ResolvedClass[] = [];
  for (const rule of input.rules ?? DHCP_VENDOR_RULES) {
    const ouis = rule.ouiVendor === undefined ? [] : (vendors.find((v) => v.vendor === rule.ouiVendor)?.ouis ?? []);
    if (ouis.length === 0 && rule.vendorClassPrefix === undefined) continue;
    const options: ResolvedOption[] = [];
    for (const opt of rule.options) {
      const value = opt.value === '{base}' ? base : tftp;
      if (opt.code === 150) {
        // Option 150 is a list of IPv4 addresses; a name cannot go there.
        if (tftpIsIp) options.push({ code: 150, ips: [tftp] });
      } else if (opt.code === 43) {
        const data = Buffer.from(value, 'latin1');
        options.push({ code: 43, bytes: Buffer.concat([Buffer.from([opt.sub, data.length]), data]) });
      } else {
        options.push({ code: opt.code, text: value });
      }
    }
    out.push({
      name: `deskprov-${rule.id}`,
      why: rule.why,
      ouis,
      options,
      ...(rule.vendorClassPrefix === undefined ? {} : { vendorClassPrefix: rule.vendorClassPrefix }),
      ...(rule.dnsmasqVendorClass === undefined ? {} : { dnsmasqVendorClass: rule.dnsmasqVendorClass }),
    });
  }
  return out;
}

function checkedBaseUrl(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw appError('INVALID_FIELD', 'publicUrl is not a URL', { field: 'publicUrl' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw appError('INVALID_FIELD', 'publicUrl must be http:// or https://', { field: 'publicUrl' });
  }
  const href = url.href.endsWith('/') ? url.href : `${url.href}/`;
  // URL.href is printable ASCII without quotes or backslashes, so it is safe inside every
  // format's quoted strings; 2 bytes of headroom for the option 43 sub-option header.
  if (href.length > MAX_OPTION_BYTES - 2) {
    throw appError('INVALID_FIELD', `publicUrl is longer than ${MAX_OPTION_BYTES - 2} bytes, too long for a DHCP option`, { field: 'publicUrl' });
  }
  return href;
}

const colonHex = (bytes: Buffer): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
const ouiColon = (oui: string): string => (oui.match(/../g) ?? []).join(':');

function header(comment: string, input: DhcpSnippetInput, classes: ResolvedClass[]): string[] {
  const lines = [
    `${comment} deskprov DHCP options (${input.format}) for ${input.publicUrl}`,
    `${comment} Phones are matched by option 60 prefix or MAC OUI; each class adds only its vendor's options.`,
  ];
  if (classes.some((c) => c.name === 'deskprov-cisco-enterprise') && !ipaddr.IPv4.isValidFourPartDecimal(input.tftpHost.trim())) {
    lines.push(`${comment} Option 150 left out: it needs an IPv4 address and the TFTP host is a name.`);
  }
  return lines;
}

function renderIsc(classes: ResolvedClass[], input: DhcpSnippetInput): string {
  const lines = [
    ...header('#', input, classes),
    '# Option 160 and 150 have no built-in names in dhcpd.',
    'option deskprov-provisioning-url code 160 = text;',
    'option deskprov-cisco-tftp code 150 = array of ip-address;',
    '',
  ];
  for (const c of classes) {
    const tests: string[] = [];
    if (c.vendorClassPrefix !== undefined) {
      tests.push(`substring(option vendor-class-identifier, 0, ${c.vendorClassPrefix.length}) = "${c.vendorClassPrefix}"`);
    }
    // Byte 0 of `hardware` is the hardware type; the MAC starts at byte 1.
    for (const oui of c.ouis) tests.push(`substring(hardware, 1, 3) = ${ouiColon(oui)}`);
    lines.push(`# ${c.why}`, `class "${c.name}" {`, `  match if ${tests.join('\n        or ')};`);
    for (const o of c.options) {
      if (o.code === 66) lines.push(`  option tftp-server-name "${o.text}";`);
      if (o.code === 160) lines.push(`  option deskprov-provisioning-url "${o.text}";`);
      if (o.code === 150) lines.push(`  option deskprov-cisco-tftp ${o.ips.join(', ')};`);
      if (o.code === 43) lines.push(`  option vendor-encapsulated-options ${colonHex(o.bytes)};`);
    }
    lines.push('}', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function renderKea(classes: ResolvedClass[], input: DhcpSnippetInput): string {
  const optionDefs = [
    { name: 'deskprov-provisioning-url', code: 160, type: 'string', space: 'dhcp4' },
    { name: 'deskprov-cisco-tftp', code: 150, type: 'ipv4-address', array: true, space: 'dhcp4' },
  ];
  const clientClasses = classes.map((c) => {
    const tests: string[] = [];
    if (c.vendorClassPrefix !== undefined) {
      tests.push(`substring(option[60].hex, 0, ${c.vendorClassPrefix.length}) == '${c.vendorClassPrefix}'`);
    }
    for (const oui of c.ouis) tests.push(`substring(pkt4.mac, 0, 3) == 0x${oui}`);
    // always-send: phones rarely list 66/160/150/43 in their parameter request list.
    const optionData = c.options.map((o) => {
      switch (o.code) {
        case 43:
          return { name: 'vendor-encapsulated-options', code: 43, 'csv-format': false, data: o.bytes.toString('hex').toUpperCase(), 'always-send': true };
        case 150:
          return { name: 'deskprov-cisco-tftp', data: o.ips.join(', '), 'always-send': true };
        default:
          return { name: o.code === 66 ? 'tftp-server-name' : 'deskprov-provisioning-url', data: o.text, 'always-send': true };
      }
    });
    const needs43 = c.options.some((o) => o.code === 43);
    return {
      name: c.name,
      test: tests.join(' or '),
      // Kea's built-in 43 encapsulates sub-options it must know; as a binary blob the bytes
      // computed here (code, length, URL) go out unchanged. Kea allows redefining 43 per class.
      ...(needs43 ? { 'option-def': [{ name: 'vendor-encapsulated-options', code: 43, type: 'binary' }] } : {}),
      'option-data': optionData,
    };
  });
  const body = [
    `"option-def": ${JSON.stringify(optionDefs, null, 2)},`,
    `"client-classes": ${JSON.stringify(clientClasses, null, 2)}`,
  ].join('\n');
  return `${header('#', input, classes).join('\n')}\n# Members of the "Dhcp4" object: paste inside it, or <?include "this-file"?> there.\n${body}\n`;
}

function renderDnsmasq(classes: ResolvedClass[], input: DhcpSnippetInput): string {
  const lines = [...header('#', input, classes), ''];
  for (const c of classes) {
    lines.push(`# ${c.why}`);
    const vendorClass = c.dnsmasqVendorClass ?? c.vendorClassPrefix;
    if (vendorClass !== undefined) lines.push(`dhcp-vendorclass=set:${c.name},${vendorClass}`);
    for (const oui of c.ouis) lines.push(`dhcp-mac=set:${c.name},${ouiColon(oui)}:*:*:*`);
    // dhcp-option-force: phones rarely ask for these options, so send them unasked.
    for (const o of c.options) {
      if (o.code === 66 || o.code === 160) lines.push(`dhcp-option-force=tag:${c.name},${o.code},"${o.text}"`);
      if (o.code === 150) lines.push(`dhcp-option-force=tag:${c.name},150,${o.ips.join(',')}`);
      if (o.code === 43) lines.push(`dhcp-option-force=tag:${c.name},43,${colonHex(o.bytes)}`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
