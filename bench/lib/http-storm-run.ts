import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { phoneAddress, walkFor, type PhoneWalk } from './phone-walk.ts';
import { rssMiB, startDeskprov, startNginx } from './processes.ts';
import { seedDataDirCached } from './seed.ts';
import { runStorm, type StormResult } from './storm-client.ts';

/**
 * One boot-storm run. N devices that booted before (credentials handed out, Digest required)
 * plus a few new ones still in their claim window; deskprov started on that data folder. Then:
 * first boot of the new phones (no credentials; the config hands them out), the storm right after
 * the start (render cache empty; its bodies become the nginx root), the warm storm, nginx on the
 * very same bytes, and the cold storm after one profile edit that changes every device's config.
 * Every storm walks the same phones, each from its own loopback address.
 */

export interface HttpStormOptions {
  devices: number;
  /** Extra devices still inside their claim window, walked once without credentials. */
  claimDevices: number;
  concurrency: number;
  deadlineMs: number;
  cold: boolean;
  log?: (line: string) => void;
}

export interface HttpStormReport {
  devices: number;
  seedMs: number;
  startMs: number;
  rssStartMiB: number;
  claim: StormResult;
  afterStart: StormResult;
  warm: StormResult;
  nginx: StormResult;
  cold: StormResult | null;
  rssAfterMiB: number;
  warmRatio: number;
  coldRatio: number | null;
  afterStartRatio: number;
}

export async function runHttpStorm(options: HttpStormOptions): Promise<HttpStormReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const work = mkdtempSync(path.join(tmpdir(), 'deskprov-bench-storm-'));
  const dataDir = path.join(work, 'data');
  const root = path.join(work, 'static');
  mkdirSync(dataDir);
  // nginx workers run unprivileged: they must be able to walk into the served tree.
  chmodSync(work, 0o755);
  try {
    const t0 = performance.now();
    const seeded = seedDataDirCached(dataDir, options.devices + options.claimDevices, options.devices);
    const seedMs = performance.now() - t0;
    log(`seeded ${options.devices} + ${options.claimDevices} devices in ${(seedMs / 1000).toFixed(1)} s`);
    const server = await startDeskprov({ dataDir, adminToken: seeded.adminToken, logFile: path.join(work, 'deskprov.log') });
    const rssStartMiB = rssMiB(server.child.pid ?? 0);
    try {
      const storm = (walks: PhoneWalk[], auth: 'digest' | 'none', port: number, saveDir?: string) =>
        runStorm({ port, walks, concurrency: options.concurrency, auth, deadlineMs: options.deadlineMs, ...(saveDir === undefined ? {} : { saveDir }) });

      const claimWalks = seeded.devices.slice(options.devices).map((d, i) => walkFor(d, phoneAddress(20, i)));
      const claim = await storm(claimWalks, 'none', server.port);
      log(`first boot (claim window): ${claim.served} files, ${claim.failed} failed ${JSON.stringify(claim.failures)}`);

      const all = seeded.devices.slice(0, options.devices).map((d, i) => ({ ...walkFor(d, phoneAddress(40, i)), secret: d.secret as string }));
      const afterStart = await storm(all, 'digest', server.port, root);
      log(`after start (cache empty): ${afterStart.filesPerSec.toFixed(0)} files/s, ${afterStart.failed} failed`);
      // Later storms walk the phones the first one reached within its time bound (their bytes are the nginx root).
      const walks = all.slice(0, afterStart.phones);

      const warm = await storm(walks, 'digest', server.port);
      log(`warm: ${warm.filesPerSec.toFixed(0)} files/s, ${warm.failed} failed`);
      const rssAfterMiB = rssMiB(server.child.pid ?? 0);

      const nginxWork = path.join(work, 'nginx');
      mkdirSync(nginxWork);
      const nginx = await startNginx({ root, workDir: nginxWork });
      let ref: StormResult;
      try {
        ref = await storm(walks, 'none', nginx.port);
      } finally {
        await nginx.stop();
      }
      log(`nginx: ${ref.filesPerSec.toFixed(0)} files/s, ${ref.failed} failed`);

      let cold: StormResult | null = null;
      if (options.cold) {
        await editProfile(server.port, seeded.adminToken, seeded.profileId);
        cold = await storm(walks.map((w, i) => ({ ...w, ip: phoneAddress(60, i) })), 'digest', server.port);
        log(`cold: ${cold.filesPerSec.toFixed(0)} files/s, ${cold.failed} failed`);
      }
      return {
        devices: options.devices,
        seedMs,
        startMs: server.startMs,
        rssStartMiB,
        claim,
        afterStart,
        warm,
        nginx: ref,
        cold,
        rssAfterMiB,
        warmRatio: warm.filesPerSec / ref.filesPerSec,
        coldRatio: cold === null ? null : cold.filesPerSec / ref.filesPerSec,
        afterStartRatio: afterStart.filesPerSec / ref.filesPerSec,
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** An admin changes the building profile (NTP server): every device's config changes. */
async function editProfile(port: number, token: string, profileId: string): Promise<void> {
  const url = `http://127.0.0.1:${port}/api/v1/profiles/${profileId}`;
  const auth = { authorization: `Bearer ${token}` };
  const current = await fetch(url, { headers: auth });
  const etag = current.headers.get('etag') ?? '';
  const res = await fetch(url, {
    method: 'PATCH',
    headers: { ...auth, 'content-type': 'application/json', 'if-match': etag },
    body: JSON.stringify({ settings: { time: { ntp: 'ntp2.example.com' }, language: 'en', network: { lldp: true } } }),
  });
  if (res.status !== 200) throw new Error(`profile edit failed: ${res.status} ${await res.text()}`);
}
