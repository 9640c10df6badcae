import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgres } from '../test/setup/postgres.ts';
import { copySqliteToPostgres } from '../server/store/copy-database.ts';
import { row } from './http-storm.ts';
import { phoneAddress, walkFor } from './lib/phone-walk.ts';
import { rssMiB, startDeskprov, type Running } from './lib/processes.ts';
import { seedDataDirCached } from './lib/seed.ts';
import { round } from './lib/stats.ts';
import { runStorm, type StormResult } from './lib/storm-client.ts';

/**
 * P9's benchmark: the P7 boot storm against two deskprov instances sharing one PostgreSQL (phones
 * spread over both, as DNS round-robin or a load balancer would), against one instance on its
 * embedded SQLite, and one instance on PostgreSQL, on the same seeded building (copied into
 * PostgreSQL with `deskprov migrate`'s copy). Each configuration gets a storm that fills its
 * render caches, then the measured warm storm.
 * `node --import tsx bench/scale-out.ts [--devices 10000] [--concurrency 128] [--deadline 25]`
 */

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '128' },
    deadline: { type: 'string', default: '25' },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);
const devices = Number(values.devices);
const concurrency = Number(values.concurrency);
const deadlineMs = Number(values.deadline) * 1000;

const work = mkdtempSync(path.join(tmpdir(), 'deskprov-bench-scale-'));
const sqliteDir = path.join(work, 'sqlite');
mkdirSync(sqliteDir);
const seeded = seedDataDirCached(sqliteDir, devices, devices);
const walks = seeded.devices.map((d, i) => ({ ...walkFor(d, phoneAddress(40, i)), secret: d.secret as string }));
const postgres = await startPostgres();
const running: Running[] = [];

/** A fill storm, then the measured warm storm, over `servers` (phone i on server i mod n). */
async function measure(name: string, servers: Running[]): Promise<{ name: string; fill: StormResult; warm: StormResult; rss: number[] }> {
  const ports = servers.map((s) => s.port);
  const storm = () => runStorm({ port: ports[0] as number, ports, walks, concurrency, auth: 'digest', deadlineMs });
  const fill = await storm();
  log(`${name}: fill ${round(fill.filesPerSec, 0)} files/s, ${fill.failed} failed ${JSON.stringify(fill.failures)}`);
  const warm = await storm();
  log(`${name}: warm ${round(warm.filesPerSec, 0)} files/s, ${warm.failed} failed ${JSON.stringify(warm.failures)}`);
  return { name, fill, warm, rss: servers.map((s) => round(rssMiB(s.child.pid ?? 0), 0)) };
}

async function instance(label: string, databaseUrl: string | null): Promise<Running> {
  const dataDir = databaseUrl === null ? sqliteDir : path.join(work, label);
  if (databaseUrl !== null) {
    mkdirSync(dataDir);
    // Every instance holds a copy of the one key (docs/DEPLOY.md "Moving to PostgreSQL").
    copyFileSync(path.join(sqliteDir, 'secret.key'), path.join(dataDir, 'secret.key'));
  }
  const server = await startDeskprov({
    dataDir,
    adminToken: seeded.adminToken,
    logFile: path.join(work, `${label}.log`),
    env: databaseUrl === null ? {} : { DESKPROV_DB: databaseUrl },
  });
  running.push(server);
  log(`${label}: started in ${round(server.startMs, 0)} ms`);
  return server;
}

async function stopAll(): Promise<void> {
  await Promise.all(running.splice(0).map((s) => s.stop()));
}

try {
  const databaseUrl = await postgres.newDatabase();
  const copied = await copySqliteToPostgres(path.join(sqliteDir, 'deskprov.db'), databaseUrl);
  const copiedRows = copied.tables.reduce((n, t) => n + t.targetRows, 0);
  log(`copied ${copiedRows} rows into PostgreSQL in ${round(copied.elapsedMs / 1000, 1)} s`);

  const sqlite = await measure('1 instance, SQLite', [await instance('sqlite', null)]);
  await stopAll();
  const onePg = await measure('1 instance, PostgreSQL', [await instance('pg-a', databaseUrl)]);
  await stopAll();
  const twoPg = await measure('2 instances, one PostgreSQL', [await instance('pg-a2', databaseUrl), await instance('pg-b2', databaseUrl)]);
  await stopAll();

  const ratio = (r: { warm: StormResult }) => r.warm.filesPerSec / sqlite.warm.filesPerSec;
  process.stdout.write(
    [
      `devices: ${devices}; ${copiedRows} rows copied to PostgreSQL in ${round(copied.elapsedMs / 1000, 1)} s; every phone with Digest; "just started": render caches empty`,
      '',
      '| run | phones | files served (200) | challenges (expected 401) | failed | files/s | HTTP req/s | p50 ms | p99 ms | vs 1 × SQLite |',
      '|---|---|---|---|---|---|---|---|---|---|',
      row(`${sqlite.name}, just started`, sqlite.fill, null),
      row(`${onePg.name}, just started`, onePg.fill, null),
      row(`${twoPg.name}, just started`, twoPg.fill, null),
      row(`${sqlite.name}, warm`, sqlite.warm, 1),
      row(`${onePg.name}, warm`, onePg.warm, ratio(onePg)),
      row(`${twoPg.name}, warm`, twoPg.warm, ratio(twoPg)),
      '',
      `RSS after the warm storm (MiB): SQLite ${sqlite.rss.join(', ')}; 1 × PostgreSQL ${onePg.rss.join(', ')}; 2 × PostgreSQL ${twoPg.rss.join(', ')}`,
    ].join('\n') + '\n',
  );
} finally {
  await stopAll();
  await postgres.stop();
  rmSync(work, { recursive: true, force: true });
}
