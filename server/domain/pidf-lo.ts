import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { CIVIC_ORDER, type CivicAddress } from './civic-address.ts';
import type { MatchedBy } from './e911-resolution.ts';

/** Namespaces of a PIDF-LO document (RFC 3863, RFC 4479, RFC 4119, RFC 5139, RFC 4119 §2.2.2). */
export const PIDF_NS = {
  pidf: 'urn:ietf:params:xml:ns:pidf',
  dm: 'urn:ietf:params:xml:ns:pidf:data-model',
  gp: 'urn:ietf:params:xml:ns:pidf:geopriv10',
  ca: 'urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr',
  gbp: 'urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy',
} as const;

export const PIDF_CONTENT_TYPE = 'application/pidf+xml';

/** Location-determination method tokens (IANA "Method Tokens", RFC 4119 §2.2.3). */
export function methodFor(matchedBy: MatchedBy | null): string {
  switch (matchedBy) {
    case 'bssid':
      return '802.11';
    case 'switchPort':
    case 'switch':
    case 'subnet':
      return 'Wiremap';
    default:
      return 'Manual';
  }
}

export interface PidfLocation {
  /** Stable id of the location (becomes the tuple id / presentity). */
  id: string;
  civic: CivicAddress;
  /** Language of the civic text (RFC 5139 §4 xml:lang); defaults to `en`. */
  lang?: string;
}

export interface PidfOptions {
  /** The time the location was determined (RFC 4479 timestamp). */
  at: Date;
  /** RFC 4119 §2.2.2 retention-expiry; defaults to 24 h after `at`. */
  retentionExpiry?: Date;
  method?: string;
}

const ID_TOKEN = /[^A-Za-z0-9_.-]/g;

/** XML ids must start with a letter; presentity URIs must not carry spaces or reserved characters. */
function xmlId(prefix: string, id: string): string {
  return `${prefix}-${id.replace(ID_TOKEN, '_')}`;
}

function geopriv(parent: XMLBuilder, loc: PidfLocation, opts: PidfOptions): void {
  const gp = parent.ele(PIDF_NS.gp, 'gp:geopriv');
  const civic = gp.ele(PIDF_NS.gp, 'gp:location-info').ele(PIDF_NS.ca, 'ca:civicAddress', { 'xml:lang': loc.lang ?? 'en' });
  // RFC 5139 §4: the schema is a sequence, so elements go in its order.
  for (const key of CIVIC_ORDER) {
    const value = loc.civic[key];
    if (value !== undefined) civic.ele(PIDF_NS.ca, `ca:${key}`).txt(value);
  }
  const expiry = opts.retentionExpiry ?? new Date(opts.at.getTime() + 24 * 3600 * 1000);
  const rules = gp.ele(PIDF_NS.gp, 'gp:usage-rules');
  // RFC 4119 §2.2.2: a location recipient may not pass it on unless allowed; PSAP routing
  // (RFC 6442) does not need retransmission.
  rules.ele(PIDF_NS.gbp, 'gbp:retransmission-allowed').txt('false');
  rules.ele(PIDF_NS.gbp, 'gbp:retention-expiry').txt(expiry.toISOString());
  gp.ele(PIDF_NS.gp, 'gp:method').txt(opts.method ?? 'Manual');
}

function presence(entity: string) {
  return create({ version: '1.0', encoding: 'UTF-8' }).ele(PIDF_NS.pidf, 'presence', {
    'xmlns:dm': PIDF_NS.dm,
    'xmlns:gp': PIDF_NS.gp,
    'xmlns:ca': PIDF_NS.ca,
    'xmlns:gbp': PIDF_NS.gbp,
    entity,
  });
}

/** PIDF-LO of an emergency location on its own: one `<tuple>` carrying its civic address. */
export function locationPidf(loc: PidfLocation, opts: PidfOptions): string {
  const doc = presence(`pres:${xmlId('location', loc.id)}@deskprov.invalid`);
  const tuple = doc.ele(PIDF_NS.pidf, 'tuple', { id: xmlId('t', loc.id) });
  geopriv(tuple.ele(PIDF_NS.pidf, 'status'), loc, opts);
  tuple.ele(PIDF_NS.pidf, 'timestamp').txt(opts.at.toISOString());
  return doc.end({ prettyPrint: true });
}

/**
 * PIDF-LO of a device's location: RFC 5491 §3.4 puts the location of a device in a `<dm:device>`
 * whose `<dm:deviceID>` is a `mac:` URN-like id (RFC 4479 §3.4.2).
 */
export function devicePidf(mac: string, loc: PidfLocation, opts: PidfOptions): string {
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '');
  const doc = presence(`pres:${hex}@deskprov.invalid`);
  const device = doc.ele(PIDF_NS.dm, 'dm:device', { id: xmlId('d', hex) });
  geopriv(device, loc, opts);
  device.ele(PIDF_NS.dm, 'dm:deviceID').txt(`mac:${hex}`);
  device.ele(PIDF_NS.dm, 'dm:timestamp').txt(opts.at.toISOString());
  return doc.end({ prettyPrint: true });
}
