import { describe, expect, it } from 'vitest';
import { checkTransition, DEVICE_STATES } from '../../../server/domain/device.ts';

describe('device life cycle', () => {
  it.each([
    ['discovered', 'awaiting-claim'],
    ['discovered', 'provisioned'],
    ['awaiting-claim', 'provisioned'],
    ['provisioned', 'retired'],
    ['retired', 'provisioned'],
  ] as const)('allows %s → %s', (from, to) => {
    expect(() => checkTransition(from, to)).not.toThrow();
  });

  it.each([
    ['provisioned', 'discovered'],
    ['provisioned', 'awaiting-claim'],
    ['retired', 'discovered'],
  ] as const)('refuses %s → %s', (from, to) => {
    expect(() => checkTransition(from, to)).toThrow(expect.objectContaining({ code: 'RULE_VIOLATION', field: 'state' }));
  });

  it('lets every state stay as it is', () => {
    for (const s of DEVICE_STATES) expect(() => checkTransition(s, s)).not.toThrow();
  });
});
