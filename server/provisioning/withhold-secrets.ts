import type { CanonicalSettings } from './types.ts';

/**
 * Secret handling on the canonical tree, before rendering, so no dialect needs to know.
 * - `withholdSecrets`: blanks every secret (TFTP to a site without `tftpSecrets`; E911-SECURITY
 *   §2.5 item 8). Lines stay enabled so the phone keeps its registrar and label.
 * - `maskSecrets`: replaces each non-empty secret with `MASK` (admin previews; audit-safe).
 */

export const MASK = '********';

type SecretMap = (secret: string) => string;

function mapSecrets(settings: CanonicalSettings, map: SecretMap): CanonicalSettings {
  const out: CanonicalSettings = {
    ...settings,
    lines: settings.lines.map((line) => ({ ...line, secret: map(line.secret) })),
    provisioning: { url: settings.provisioning.url },
  };
  const creds = settings.provisioning.credentials;
  if (creds !== undefined && map(creds.password) !== '') {
    out.provisioning.credentials = { username: creds.username, password: map(creds.password) };
  }
  const token = settings.agentToken;
  if (token !== undefined && map(token) !== '') out.agentToken = map(token);
  else delete out.agentToken;
  // The event URL carries the event key (or else the agent token) as a path segment
  // (resolve-settings.ts STATUS_EVENT_PATH); withheld, the URL names no device and is refused.
  const { key, ...status } = settings.status;
  let eventUrl = status.eventUrl;
  for (const secret of [key, token]) {
    if (secret === undefined || secret === '') continue;
    const replacement = map(secret) === '' ? '' : `/${map(secret)}`;
    eventUrl = eventUrl.split(`/${encodeURIComponent(secret)}`).join(replacement);
  }
  out.status = { ...status, eventUrl };
  if (key !== undefined && map(key) !== '') out.status.key = map(key);
  return out;
}

/** A copy with every secret removed: SIP passwords blank, no HTTP credentials, agent token or event key. */
export function withholdSecrets(settings: CanonicalSettings): CanonicalSettings {
  return mapSecrets(settings, () => '');
}

/** A copy with every present secret replaced by `MASK`. */
export function maskSecrets(settings: CanonicalSettings): CanonicalSettings {
  return mapSecrets(settings, (secret) => (secret === '' ? '' : MASK));
}
