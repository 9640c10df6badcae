import { describe, expect, it } from 'vitest';
import type { Runner } from '../../../agent/run-command.ts';
import { parseIwLink, parseWpaCliStatus, readBssid } from '../../../agent/wifi.ts';

// Sample outputs of iw 5.19 and wpa_cli 2.10.
const IW = 'Connected to 00:1A:2B:3C:4D:5E (on wlan0)\n\tSSID: office\n\tfreq: 5180\n';
const WPA = 'bssid=00:1a:2b:3c:4d:5f\nfreq=2412\nssid=office\nid=0\nmode=station\nwpa_state=COMPLETED\nip_address=10.0.0.5\n';

describe('Wi-Fi BSSID', () => {
  it('reads the BSSID from iw and wpa_cli output', () => {
    expect(parseIwLink(IW)).toBe('00:1a:2b:3c:4d:5e');
    expect(parseIwLink('Not connected.\n')).toBeNull();
    expect(parseWpaCliStatus(WPA)).toBe('00:1a:2b:3c:4d:5f');
  });
  it('ignores a BSSID wpa_cli shows while still associating', () => {
    expect(parseWpaCliStatus(WPA.replace('COMPLETED', 'ASSOCIATING'))).toBeNull();
  });
  it('falls back to wpa_cli when iw is missing, and gives null on a wired link', async () => {
    const onlyWpa: Runner = async (cmd) => (cmd === 'iw' ? { ok: false, reason: 'iw is not installed' } : { ok: true, stdout: WPA });
    expect(await readBssid(onlyWpa, 'wlan0')).toBe('00:1a:2b:3c:4d:5f');
    const none: Runner = async (cmd) => ({ ok: false, reason: `${cmd} is not installed` });
    expect(await readBssid(none, 'eth0')).toBeNull();
  });
});
