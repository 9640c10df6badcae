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
  if (token !== undefined && token !== '') {
    // The event URL carries the token as a path segment (resolve-settings.ts STATUS_EVENT_PATH).
    const segment = `/${encodeURIComponent(token)}`;
    const replacement = map(token) === '' ? '' : `/${map(token)}`;
    out.status = { eventUrl: settings.status.eventUrl.split(segment).join(replacement) };
  }
  return out;
}

/** A copy with every secret removed: SIP passwords blank, no HTTP credentials, no agent token. */
export function withholdSecrets(settings: CanonicalSettings): CanonicalSettings {
  return mapSecrets(settings, () => '');
}

/** A copy with every present secret replaced by `MASK`. */
export function maskSecrets(settings: CanonicalSettings): CanonicalSettings {
  return mapSecrets(settings, (secret) => (secret === '' ? '' : MASK));
}
