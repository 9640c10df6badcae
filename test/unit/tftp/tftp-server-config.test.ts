import { describe, expect, it } from 'vitest';
import { DEFAULT_TFTP_LIMITS, resolveLimits } from '../../../server/tftp/tftp-server-config.ts';

describe('resolveLimits', () => {
  it('fills what is not given from the defaults', () => {
    expect(resolveLimits({ timeoutMs: 50 })).toEqual({ ...DEFAULT_TFTP_LIMITS, timeoutMs: 50 });
    expect(resolveLimits()).toEqual(DEFAULT_TFTP_LIMITS);
  });

  it('defaults to blksize 1468 and windowsize 16', () => {
    expect(DEFAULT_TFTP_LIMITS).toMatchObject({ maxBlksize: 1468, maxWindowsize: 16 });
  });

  it.each([
    ['maxBlksize', 7],
    ['maxBlksize', 65465],
    ['maxWindowsize', 0],
    ['retries', -1],
    ['timeoutMs', 1.5],
    ['maxPerSource', Number.NaN],
  ] as const)('refuses %s = %d with INVALID_FIELD naming the limit', (key, value) => {
    expect(() => resolveLimits({ [key]: value })).toThrow(expect.objectContaining({ code: 'INVALID_FIELD', field: key }));
  });
});
