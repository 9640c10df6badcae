import type { Runner } from './run-command.ts';

const MAC = /([0-9a-f]{2}(?::[0-9a-f]{2}){5})/i;

/** `iw dev wlan0 link`: "Connected to 00:11:22:33:44:55 (on wlan0)" or "Not connected." */
export function parseIwLink(output: string): string | null {
  const m = /^Connected to ([0-9a-f:]{17})/im.exec(output);
  return m?.[1] !== undefined ? m[1].toLowerCase() : null;
}

/** `wpa_cli -i wlan0 status`: `bssid=…` counts only once the association is complete. */
export function parseWpaCliStatus(output: string): string | null {
  const fields = new Map(
    output.split('\n').map((line) => {
      const i = line.indexOf('=');
      return [line.slice(0, i).trim(), line.slice(i + 1).trim()] as const;
    }),
  );
  if (fields.get('wpa_state') !== 'COMPLETED') return null;
  const m = MAC.exec(fields.get('bssid') ?? '');
  return m?.[1] !== undefined ? m[1].toLowerCase() : null;
}

/** The BSSID the interface is associated with, from `iw` or else `wpa_cli`; null on wired links. */
export async function readBssid(run: Runner, ifname: string): Promise<string | null> {
  const iw = await run('iw', ['dev', ifname, 'link'], { timeoutMs: 3000, maxBytes: 64 * 1024 });
  if (iw.ok) {
    const bssid = parseIwLink(iw.stdout);
    if (bssid !== null) return bssid;
  }
  const wpa = await run('wpa_cli', ['-i', ifname, 'status'], { timeoutMs: 3000, maxBytes: 64 * 1024 });
  return wpa.ok ? parseWpaCliStatus(wpa.stdout) : null;
}
