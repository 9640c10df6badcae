import { describe, expect, it } from 'vitest';
import { parseHop, parseRing, parseWindow } from '../../../../server/cli/commands/rollouts.ts';

describe('rollouts command arguments', () => {
  it('reads a release as version=file', () => {
    expect(parseHop('96.86.0.70=T54W-96.86.0.70.rom')).toEqual({ version: '96.86.0.70', file: 'T54W-96.86.0.70.rom' });
    expect(() => parseHop('96.86.0.70')).toThrow(/version>=<file/);
  });

  it.each([
    ['canary:devices=1', { name: 'canary', devices: 1 }],
    ['early:percent=12.5', { name: 'early', percent: 12.5 }],
    ['all', { name: 'all' }],
  ])('reads ring %s', (text, ring) => {
    expect(parseRing(text)).toEqual(ring);
  });

  it('refuses a ring with an unknown rule', () => {
    expect(() => parseRing('x:share=3')).toThrow(/devices=N/);
  });

  it('reads a window with optional days', () => {
    expect(parseWindow('22:00-04:00')).toEqual({ start: '22:00', end: '04:00' });
    expect(parseWindow('02:00-03:00', 'Tue, wed')).toEqual({ start: '02:00', end: '03:00', days: ['tue', 'wed'] });
    expect(() => parseWindow('2-3')).toThrow(/HH:MM-HH:MM/);
  });
});
