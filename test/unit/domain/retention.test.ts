import { describe, expect, it } from 'vitest';
import { isExpired, RETENTION_MS, restoreUntil } from '../../../server/domain/retention.ts';

describe('retention window', () => {
  const now = new Date('2026-03-01T09:00:00Z');

  it('lasts seven days', () => {
    expect(RETENTION_MS).toBe(7 * 24 * 3600 * 1000);
    expect(restoreUntil(now)).toBe('2026-03-08T09:00:00.000Z');
  });

  it('is open until the last millisecond and closed from then on', () => {
    const until = restoreUntil(now);
    expect(isExpired(until, new Date('2026-03-08T08:59:59.999Z'))).toBe(false);
    expect(isExpired(until, new Date('2026-03-08T09:00:00.000Z'))).toBe(true);
  });
});
