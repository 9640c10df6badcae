import { describe, expect, it } from 'vitest';
import { BanList } from '../../../server/domain/ban-list.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ban list', () => {
  it('bans a source on its Nth miss within the window and reports the ban once', () => {
    const c = clock();
    const bans = new BanList({ maxMisses: 3, windowMs: 60_000, banMs: 120_000 }, c.now);
    expect(bans.recordMiss('10.0.0.1')).toEqual({ banned: false, justBanned: false, misses: 1 });
    expect(bans.recordMiss('10.0.0.1').banned).toBe(false);
    expect(bans.recordMiss('10.0.0.1')).toEqual({ banned: true, justBanned: true, misses: 3 });
    expect(bans.isBanned('10.0.0.1')).toBe(true);
    expect(bans.recordMiss('10.0.0.1').justBanned).toBe(false);
    expect(bans.isBanned('10.0.0.2')).toBe(false);
  });

  it('lifts the ban after the ban period', () => {
    const c = clock();
    const bans = new BanList({ maxMisses: 1, windowMs: 60_000, banMs: 120_000 }, c.now);
    bans.recordMiss('a');
    c.advance(119_999);
    expect(bans.isBanned('a')).toBe(true);
    c.advance(1);
    expect(bans.isBanned('a')).toBe(false);
  });

  it('forgets misses older than the window', () => {
    const c = clock();
    const bans = new BanList({ maxMisses: 3, windowMs: 60_000, banMs: 1_000 }, c.now);
    bans.recordMiss('a');
    bans.recordMiss('a');
    c.advance(60_001);
    expect(bans.recordMiss('a')).toEqual({ banned: false, justBanned: false, misses: 1 });
  });

  it('lets a successful fetch forgive one miss so a Digest round trip nets zero', () => {
    const c = clock();
    const bans = new BanList({ maxMisses: 3, windowMs: 60_000, banMs: 1_000 }, c.now);
    for (let i = 0; i < 50; i++) {
      bans.recordMiss('phone');
      bans.forgive('phone');
    }
    expect(bans.isBanned('phone')).toBe(false);
    expect(bans.size).toBe(0);
  });

  it('tracks at most maxSources sources', () => {
    const c = clock();
    const bans = new BanList({ maxMisses: 5, windowMs: 60_000, banMs: 1_000, maxSources: 100 }, c.now);
    for (let i = 0; i < 1_000; i++) bans.recordMiss(`10.0.${i >> 8}.${i & 255}`);
    expect(bans.size).toBe(100);
  });

  it('stays bounded even when every tracked source is banned', () => {
    const c = clock();
    const bans = new BanList({ maxMisses: 1, windowMs: 60_000, banMs: 60_000, maxSources: 10 }, c.now);
    for (let i = 0; i < 30; i++) bans.recordMiss(`s${i}`);
    expect(bans.size).toBe(10);
    expect(bans.isBanned('s29')).toBe(true);
  });
});
