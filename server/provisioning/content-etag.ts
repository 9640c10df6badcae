import { hash } from 'node:crypto';

/**
 * A strong entity tag for rendered bytes (RFC 9110 §8.8.3): the first 128 bits of the body's
 * SHA-256, base64url, quoted. Equal bytes, equal tag; it lives with the render cache so the
 * pipeline tags a render once, and the HTTP front end only compares.
 */
export function strongEtag(body: Buffer | string): string {
  return `"${hash('sha256', body, 'base64url').slice(0, 22)}"`;
}
