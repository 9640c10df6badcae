import { describe, expect, it } from 'vitest';
import { classifyStatus } from '../../../agent/reporter.ts';

describe('classifyStatus', () => {
  it.each([
    [202, 'delivered'], [200, 'delivered'], [409, 'delivered'],
    [400, 'rejected'], [413, 'rejected'], [415, 'rejected'], [422, 'rejected'],
    [401, 'retry'], [403, 'retry'], [404, 'retry'], [429, 'retry'], [500, 'retry'], [503, 'retry'],
  ] as const)('treats %d as %s', (status, want) => {
    expect(classifyStatus(status)).toBe(want);
  });
});
