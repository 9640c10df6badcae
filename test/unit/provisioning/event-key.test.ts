import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventKeyFor, eventKeyMac, eventKeyMatches } from '../../../server/provisioning/event-key.ts';

const MAC = '001565aabbcc';

describe('event keys', () => {
  it('names the device and fits a URL path segment', () => {
    const key = eventKeyFor(MAC, 'http-secret');
    expect(key).toMatch(/^001565aabbcc[A-Za-z0-9_-]{22}$/);
    expect(eventKeyMac(key)).toBe(MAC);
    expect(encodeURIComponent(key)).toBe(key);
  });

  it('matches only its own device under the secret it was made with', () => {
    const key = eventKeyFor(MAC, 'http-secret');
    expect(eventKeyMatches(key, MAC, 'http-secret')).toBe(true);
    expect(eventKeyMatches(key, MAC, 'rotated-secret')).toBe(false);
    expect(eventKeyMatches(key, '001565aabbcd', 'http-secret')).toBe(false);
    expect(eventKeyMatches(`001565aabbcd${key.slice(12)}`, '001565aabbcd', 'http-secret')).toBe(false);
  });

  it('does not take text that is not shaped like an event key', () => {
    for (const text of ['', 'dpa_agent-token-0000', `${MAC}short`, `ffffffffffff${'A'.repeat(22)}`, `${MAC}${'A'.repeat(23)}`]) {
      expect(eventKeyMac(text)).toBeNull();
      expect(eventKeyMatches(text, MAC, 'http-secret')).toBe(false);
    }
  });

  it('refuses every other tag for the device (property)', () => {
    const key = eventKeyFor(MAC, 'http-secret');
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{22}$/), (tag) => {
        fc.pre(`${MAC}${tag}` !== key);
        return !eventKeyMatches(`${MAC}${tag}`, MAC, 'http-secret');
      }),
      { numRuns: 300 },
    );
  });
});
