import { appError } from '../errors.ts';
import type { AgentReport } from './e911-evidence.ts';
import { parseSipContact } from './sip-contact.ts';

/**
 * What a phone's action URL (VENDORS.md "Events") tells us, for phones without an agent. Each
 * vendor names its events differently; they map to a few kinds, as data:
 * Yealink `action_url.<event>`, Grandstream `ons.actionUrl.<event>`, Snom `action_<event>_url`,
 * Fanvil `<cti>` `<Event>Url`, Aastra/Mitel `action uri <event>`.
 */
export type PhoneEventKind = 'registered' | 'unregistered' | 'registerFailed' | 'setupCompleted' | 'ipChange' | 'outgoingCall';

export const PHONE_EVENT_NAMES: Readonly<Record<string, PhoneEventKind>> = {
  // Yealink, Grandstream, Aastra/Mitel
  registered: 'registered',
  unregistered: 'unregistered',
  register_failed: 'registerFailed',
  setup_completed: 'setupCompleted',
  setupcompleted: 'setupCompleted',
  ip_change: 'ipChange',
  startup: 'setupCompleted',
  // Yealink, Grandstream `outgoing_call`; Snom `action_outgoing_url`, Aastra `action uri outgoing`
  outgoing_call: 'outgoingCall',
  outgoing: 'outgoingCall',
  // Snom
  log_on: 'registered',
  log_off: 'unregistered',
  setup: 'setupCompleted',
  // Fanvil
  regon: 'registered',
  regoff: 'unregistered',
  regfailed: 'registerFailed',
  bootcompleted: 'setupCompleted',
  ipchange: 'ipChange',
};

/**
 * The event kind of a vendor event name (case-insensitive), or null when deskprov ignores it.
 * Aastra/Mitel's `registration` event names no outcome; its `code` (`$$REGISTRATIONCODE$$`, a
 * SIP status) does: 2xx registered, anything else failed.
 */
export function phoneEventKind(name: string, q: PhoneEventQuery = {}): PhoneEventKind | null {
  const lower = name.toLowerCase();
  if (lower === 'registration') {
    if (q.code === undefined || !/^\d{3}$/.test(q.code)) return null;
    return q.code.startsWith('2') ? 'registered' : 'registerFailed';
  }
  return PHONE_EVENT_NAMES[lower] ?? null;
}

/**
 * The event name and MAC of a Poly telNotification document (VENDORS.md §2 "Events":
 * `<PolycomIPPhone><…Event><MACAddress>…`). A line registration event counts as `registered`
 * unless its state says unregistered; other Poly events (calls, hook) are taken and ignored.
 * Read with patterns, not a parser: only two element names matter and no entity is expanded.
 */
export function polyEvent(xml: string): { event: string; mac?: string } | null {
  if (!/<PolycomIPPhone[\s>]/.test(xml)) return null;
  const mac = /<MACAddress>\s*([0-9A-Fa-f:.-]{12,17})\s*<\/MACAddress>/.exec(xml)?.[1];
  const withMac = (event: string) => (mac === undefined ? { event } : { event, mac });
  const registration = /<(LineRegistrationEvent|RegistrationEvent)[\s>]([\s\S]*?)<\/\1>/.exec(xml);
  if (registration === null) return withMac('poly_other');
  const state = /<(?:LineState|RegistrationState|State)>\s*([A-Za-z]+)/.exec(registration[2] ?? '')?.[1]?.toLowerCase();
  return withMac(state !== undefined && /^(unregistered|failed|inactive)$/.test(state) ? 'unregistered' : 'registered');
}

/** URL query values an action URL may carry (the rendered config fills them with vendor variables). */
export interface PhoneEventQuery {
  /** Config revision the rendered config put in its own setup URL. */
  rev?: string;
  ip?: string;
  firmware?: string;
  /** Registrar answer code (Aastra `$$REGISTRATIONCODE$$`). */
  code?: string;
  registrar?: string;
  /** The dialled number of an outgoing call (Grandstream/Yealink/Snom `$remote`, Aastra `$$REMOTENUMBER$$`). */
  number?: string;
  /** The phone's call id, where it has one (Yealink `$call_id`, Snom `$call-id`). */
  callid?: string;
  /** Where the phone's SIP UA listens, `<ipv4>:<port>` or `[<ipv6>]:<port>`, when the URL carries it (check-sync). */
  sipContact?: string;
}

/**
 * The report fields an event changes; the rest of the device's state is kept. Any event may
 * carry the phone's SIP contact; one that is not an IP literal and a port is refused (400).
 */
export function phoneEventPatch(kind: PhoneEventKind, query: PhoneEventQuery): Omit<AgentReport, 'id' | 'at'> {
  const q = kind !== 'outgoingCall' || query.number === undefined ? query : { ...query, number: dialledNumber(query.number) };
  if (q.sipContact === undefined) return eventFields(kind, q);
  const sipContact = parseSipContact(q.sipContact);
  if (sipContact === null) {
    throw appError('INVALID_FIELD', 'sipContact must be <ipv4>:<port> or [<ipv6>]:<port>', { field: 'sipContact' });
  }
  return { ...eventFields(kind, q), sipContact };
}

/**
 * The dialled number as the phone filled it in (`$remote`, `$$REMOTENUMBER$$`: digits, `*`, `#`,
 * `+`, or a SIP URI; domain/emergency-call.ts reads the digits). Phones put it in the query
 * unencoded, so a leading `+` arrives as a space (form decoding): it is given back. Control
 * characters are refused (400): no phone dials them, and the text goes into audit and notices.
 */
function dialledNumber(raw: string): string {
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    throw appError('INVALID_FIELD', 'number must not contain control characters', { field: 'number' });
  }
  return raw.replace(/^ (?=\d)/, '+').trim();
}

function eventFields(kind: PhoneEventKind, q: PhoneEventQuery): Omit<AgentReport, 'id' | 'at'> {
  const registrar = q.registrar === undefined ? {} : { registrar: q.registrar };
  const firmware = q.firmware === undefined ? {} : { firmware: q.firmware };
  switch (kind) {
    case 'registered':
      return { sip: { registered: true, ...registrar }, ...firmware };
    case 'unregistered':
      return { sip: { registered: false, ...registrar }, ...firmware };
    case 'registerFailed':
      return {
        sip: { registered: false, ...registrar, lastError: q.code === undefined ? 'registration failed' : `registrar answered ${q.code}` },
        ...firmware,
      };
    case 'setupCompleted':
      return { ...(q.rev === undefined ? {} : { configRevision: q.rev }), ...firmware };
    case 'ipChange':
      return { ...(q.ip === undefined ? {} : { network: { ip: q.ip } }), ...firmware };
    case 'outgoingCall':
      // The number is what the emergency-call notification reads (services/emergency-notify.ts).
      return q.number === undefined || q.number === ''
        ? { ...firmware }
        : { call: { dialled: q.number, ...(q.callid === undefined ? {} : { callId: q.callid }) }, ...firmware };
  }
}
