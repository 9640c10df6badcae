import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../../server/errors.ts';
import { writePValues } from '../../../../server/provisioning/writers/p-values.ts';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : 'OTHER';
  }
  return undefined;
}

describe('Grandstream P-value writer', () => {
  it('writes Grandstream P-values with the MAC header only for per-device files', () => {
    expect(writePValues([['P30', 'pool.ntp.org']], '000b82aabbcc')).toContain('<mac>000b82aabbcc</mac>');
    expect(writePValues([['P30', 'pool.ntp.org']])).not.toContain('<mac>');
    expect(code(() => writePValues([['account.1.name', 'x']]))).toBe('RULE_VIOLATION');
  });
});
