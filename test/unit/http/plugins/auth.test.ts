import { describe, expect, it } from 'vitest';
import { bearerToken } from '../../../../server/http/plugins/auth.ts';

describe('bearerToken', () => {
  it('reads an RFC 6750 Bearer credential, scheme case-insensitive', () => {
    expect(bearerToken('Bearer dpt_abc-DEF_123')).toBe('dpt_abc-DEF_123');
    expect(bearerToken('bearer abc==')).toBe('abc==');
    expect(bearerToken('Bearer  abc ')).toBe('abc');
  });

  it('refuses absent, other-scheme and malformed credentials', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('Basic YTpi')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken('Bearer a b')).toBeNull();
    expect(bearerToken('Bearer tok\u00e9n')).toBeNull();
  });
});
