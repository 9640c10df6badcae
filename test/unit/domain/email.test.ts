import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../../../server/domain/email.ts';

describe('normalizeEmail', () => {
  it('lower-cases so uniqueness ignores case', () => {
    expect(normalizeEmail('Ana.Lopez@Example.COM')).toBe('ana.lopez@example.com');
  });

  it.each(['ana', 'ana@', '@example.com', 'ana@example', 'a na@example.com', 'ana@exa\nmple.com', 'ana@exa\u007fmple.com'])('refuses %j', (text) => {
    expect(() => normalizeEmail(text)).toThrow(expect.objectContaining({ code: 'INVALID_FIELD', field: 'email' }));
  });
});
