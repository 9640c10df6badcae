import { FormatRegistry } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { registerFormats } from '../../../../server/http/plugins/validation.ts';

describe('registerFormats', () => {
  it('registers the string formats route schemas use, idempotently', () => {
    registerFormats();
    registerFormats();
    const check = (format: string, value: string) => FormatRegistry.Get(format)?.(value);
    expect(check('email', 'ana@example.com')).toBe(true);
    expect(check('email', 'ana@example')).toBe(false);
    expect(check('date-time', '2026-11-24T01:00:00.000Z')).toBe(true);
    expect(check('date-time', '2026-11-24 01:00')).toBe(false);
    expect(check('date-time', '2026-13-40T01:00:00Z')).toBe(false);
    expect(check('date', '2026-11-24')).toBe(true);
    expect(check('uri', 'http://127.0.0.1:8080/')).toBe(true);
    expect(check('uri', 'not a uri')).toBe(false);
    expect(check('ipv4', '10.0.0.1')).toBe(true);
    expect(check('ipv4', '10.0.0')).toBe(false);
    expect(check('ipv6', '2001:db8::1')).toBe(true);
    expect(check('uuid', '123e4567-e89b-12d3-a456-426614174000')).toBe(true);
    expect(check('uuid', 'nope')).toBe(false);
  });
});
