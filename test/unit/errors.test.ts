import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, appError, errorBody, httpStatusOf, isAppError, tftpErrorOf } from '../../server/errors.ts';

const doc = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** The rows of the table in docs/errors.md: code → documented HTTP status and TFTP number. */
function documented(): Map<string, { http: number; tftp: number; meaning: string }> {
  const rows = new Map<string, { http: number; tftp: number; meaning: string }>();
  for (const match of doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (\d) \| (.+) \|$/gm)) {
    const [, code, http, tftp, meaning] = match;
    if (code === undefined || rows.has(code)) throw new Error(`docs/errors.md lists ${code} twice`);
    rows.set(code, { http: Number(http), tftp: Number(tftp), meaning: meaning ?? '' });
  }
  return rows;
}

describe('error codes', () => {
  it('gives every code an HTTP error status and an RFC 1350/2347 TFTP error number', () => {
    for (const code of ERROR_CODES) {
      expect(httpStatusOf(code), code).toBeGreaterThanOrEqual(400);
      expect(httpStatusOf(code), code).toBeLessThan(600);
      expect([0, 1, 2, 3, 4, 5, 6, 7, 8], code).toContain(tftpErrorOf(code));
    }
  });

  it('names every code in UPPER_SNAKE case', () => {
    for (const code of ERROR_CODES) expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
  });

  it('documents every code in docs/errors.md with the same status and TFTP number', () => {
    const rows = documented();
    for (const code of ERROR_CODES) {
      const row = rows.get(code);
      expect(row, `${code} is not documented in docs/errors.md`).toBeDefined();
      expect(row?.http, code).toBe(httpStatusOf(code));
      expect(row?.tftp, code).toBe(tftpErrorOf(code));
      expect(row?.meaning.trim().length, code).toBeGreaterThan(10);
    }
  });

  it('documents no code that the table does not declare', () => {
    const declared = new Set<string>(ERROR_CODES);
    for (const code of documented().keys()) expect(declared.has(code), `${code} is documented but not declared`).toBe(true);
  });

  it('builds errors whose code, status and message match the table', () => {
    for (const code of ERROR_CODES) {
      const err = appError(code, `message for ${code}`);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe(code);
      expect(err.statusCode).toBe(httpStatusOf(code));
      expect(err.message).toBe(`message for ${code}`);
      expect(isAppError(err)).toBe(true);
    }
  });

  it('renders the contract body, with field and details only when given', () => {
    expect(errorBody(appError('NOT_FOUND', 'no such site'))).toEqual({ error: { code: 'NOT_FOUND', message: 'no such site' } });
    expect(errorBody(appError('INVALID_FIELD', 'bad', { field: 'name', details: { max: 256 } }))).toEqual({
      error: { code: 'INVALID_FIELD', message: 'bad', field: 'name', details: { max: 256 } },
    });
  });

  it('does not mistake other errors for deskprov errors', () => {
    expect(isAppError(new Error('plain'))).toBe(false);
    expect(isAppError(Object.assign(new Error('fastify'), { code: 'FST_ERR_VALIDATION' }))).toBe(false);
    expect(isAppError({ code: 'NOT_FOUND' })).toBe(false);
  });
});
