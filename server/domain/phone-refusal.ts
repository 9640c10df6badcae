/**
 * Why a known phone's fetch was not served, in words an installer can act on (issue P5 §6: the
 * closed loop says exactly why a step failed). Keys are the pipeline's own refusal reasons
 * (services/phone-files.ts, domain/phone-access.ts); reasons that are a normal part of a fetch
 * (the first, unauthenticated request of a Digest exchange) are not failures and map to nothing.
 */
const WORDS: Readonly<Record<string, string>> = {
  'source outside the device site networks': 'the phone fetched from an address outside its site\'s allowed networks',
  'wrong credentials': 'the phone sent bad credentials (wrong HTTP user name or password)',
  'credentials of another device': 'the phone sent the credentials of another device',
  'claim window closed': 'the phone sent no credentials and its claim window has closed',
  'file is not one the device model asks for': 'the phone asked for a file its configured model does not use (unknown model for this device)',
  'User-Agent of another vendor': 'the phone identified as another vendor than its configured model (unknown model for this device)',
  'MAC in User-Agent differs from MAC in name': 'the MAC in the phone\'s User-Agent differs from the one in the file name',
  'device has no site': 'the device has no site, so no configuration can be rendered',
};

/** A fetch that failed, as the status shows it. */
export interface FetchProblem {
  reason: string;
  file: string;
  at: string;
}

/** The installer's words for a pipeline refusal reason, or null when it is not a failure. */
export function refusalWords(reason: string | undefined): string | null {
  if (reason === undefined) return null;
  if (reason.startsWith('render error')) return reason;
  if (/^device (discovered|awaiting-claim)$/.test(reason)) return `the device is ${reason.slice('device '.length)}, not provisioned`;
  return WORDS[reason] ?? null;
}
