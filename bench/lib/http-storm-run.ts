import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/store/database.ts';
import { sqlitePhoneRepo } from '../../server/store/phone-read-repo.ts';
import { phoneAddress, walkFor, type PhoneWalk } from './phone-walk.ts';
import { rssMiB, startDeskprov, startNginx } from './processes.ts';
import { seedDataDir } from './seed.ts';
import { runStorm, type StormResult } from './storm-client.ts';

/**
 * One boot-storm run: seed N devices, start deskprov, let every phone claim its credentials (the
 * first boot, bodies kept as the nginx root), then the measured storms — warm (render cache
 * filled), nginx on the very same bytes, and cold (after one profile edit that changes every
 * device's config) — all from the same walks, each phone from its own loopback address.
 */

export interface HttpStormOptions {
  devices: number;
  concurrency: number;
  deadlineMs: number;
  cold: boolean;
  log?: (line: string) => void;
}

export interface HttpStormReport {
  devices: number;
  seedMs: number;
  startMs: number;
  claim: StormResult;
  warm: StormResult;
  nginx: StormResult;
  cold: StormResult | null;
  rssAfterMiB: number;
  warmRatio: number;
  coldRatio: number | null;
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
    const seeded = seedDataDir(dataDir, options.devices);
    const seedMs = performance.now() - t0;
    log(`seeded ${options.devices} devices in ${(seedMs / 1000).toFixed(1)} s`);
    const server = await startDeskprov({ dataDir, adminToken: seeded.adminToken, logFile: path.join(work, 'deskprov.log') });
    try {
      const storm = (walks: PhoneWalk[], auth: 'digest' | 'none', port: number, saveDir?: string, deadlineMs = options.deadlineMs) =>
        runStorm({ port, walks, concurrency: options.concurrency, auth, deadlineMs, ...(saveDir === undefined ? {} : { saveDir }) });

      // First boot: inside the claim window, no credentials; the configs hand them out.
      const claimWalks = seeded.devices.map((d, i) => walkFor(d, phoneAddress(20, i)));
      // Longer bound: only phones that claimed take part in the measured storms.
      const claim = await storm(claimWalks, 'none', server.port, root, options.deadlineMs * 3);
      log(`claim pass: ${claim.served} files, ${claim.failed} failed ${JSON.stringify(claim.failures)}`);

      // Each phone now knows its secret (it was in its config); the bench reads it from the store.
      const db = openDatabase(path.join(dataDir, 'deskprov.db'));
      const repo = sqlitePhoneRepo(db);
      const walks: PhoneWalk[] = [];
      seeded.devices.forEach((d, i) => {
        const secret = repo.credentialsByUsername(d.mac)?.secret;
        if (secret !== undefined) walks.push({ ...walkFor(d, phoneAddress(40, i)), secret });
      });
      db.close();
      const missing = seeded.devices.length - walks.length;
      if (missing > 0) log(`WARNING: ${missing} devices did not claim within the bound; the storms walk the ${walks.length} that did`);

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
        claim,
        warm,
        nginx: ref,
        cold,
        rssAfterMiB,
        warmRatio: warm.filesPerSec / ref.filesPerSec,
        coldRatio: cold === null ? null : cold.filesPerSec / ref.filesPerSec,
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
