import { describe, expect, it } from 'vitest';
import { withFirmware } from '../../../server/provisioning/firmware-override.ts';
import type { CanonicalSettings } from '../../../server/provisioning/types.ts';

const settings = {
  lines: [],
  time: { ntp: 'pool.ntp.org', timezone: 'UTC' },
  provisioning: { url: 'http://p/' },
  status: { eventUrl: 'http://p/api/v1/events' },
  network: { lldp: true },
  keys: [],
  raw: {},
  language: 'en',
  firmware: { url: 'http://p/firmware/yealink/pinned.rom', version: '1.0' },
} as unknown as CanonicalSettings;

describe('rollout firmware in resolved settings', () => {
  it('keeps the pinned firmware when no rollout decides', () => {
    expect(withFirmware(settings, undefined)).toBe(settings);
  });

  it('removes the firmware when the rollout says none, so the phone keeps what it runs', () => {
    expect('firmware' in withFirmware(settings, null)).toBe(false);
  });

  it('replaces the firmware with the rollout’s hop', () => {
    expect(withFirmware(settings, { url: 'http://p/firmware/yealink/hop.rom', version: '2.0' }).firmware).toEqual({ url: 'http://p/firmware/yealink/hop.rom', version: '2.0' });
  });
});
