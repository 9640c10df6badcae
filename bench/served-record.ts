import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../server/store/database.ts';
import { sqlitePhoneRepo, type ServedRecord } from '../server/store/phone-read-repo.ts';
import { round } from './lib/stats.ts';

/**
 * The "served" record's cost per file, as the recorder writes it during a storm (batches of 200 in
 * one transaction, SQLite file, `synchronous = FULL`, each phone's files one after the other as a
 * phone walks them): a fetch of an unchanged file (a building rebooting into the same configs) and
 * of a changed one (after a profile edit), 5 KB masked bodies. `node --import tsx bench/served-record.ts [--devices 2000] [--files 3] [--rounds 3]`
 */

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '2000' },
    files: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
  },
});
const devices = Number(values.devices);
const files = Number(values.files);
const rounds = Number(values.rounds);
const BATCH = 200;
const body = Buffer.alloc(5_000, 'm');

const dir = mkdtempSync(path.join(tmpdir(), 'deskprov-bench-served-'));
const db = openDatabase(path.join(dir, 'deskprov.db'));
try {
  const insert = db.prepare(`INSERT INTO devices (id, mac, model, state, created_at, updated_at) VALUES (?, ?, 'yealink/t54w', 'discovered', ?, ?)`);
  const at = new Date().toISOString();
  db.transaction(() => {
    for (let i = 0; i < devices; i += 1) insert.run(`d${i}`, (0x001565000000 + i).toString(16).padStart(12, '0'), at, at);
  })();
  const phones = sqlitePhoneRepo(db);
  let bodiesAskedFor = 0;
  const record = (index: number, revision: string): ServedRecord => ({
    deviceId: `d${Math.floor(index / files)}`,
    file: `file-${index % files}.cfg`,
    revision,
    etag: `"${revision}"`,
    at: new Date().toISOString(),
    ip: '10.0.0.1',
    userAgent: 'Yealink SIP-T54W 96.86.0.100',
    firmware: null,
    transport: 'http',
    configRevision: 1,
    maskedBody: () => {
      bodiesAskedFor += 1;
      return body;
    },
  });
  const total = devices * files;
  /** Records every file once, in recorder-sized batches; µs per record. */
  const storm = (revision: string): number => {
    const started = performance.now();
    for (let first = 0; first < total; first += BATCH) {
      phones.recordServed(Array.from({ length: Math.min(BATCH, total - first) }, (_, k) => record(first + k, revision)));
    }
    return ((performance.now() - started) * 1000) / total;
  };
  storm('r0');
  const unchanged: number[] = [];
  const changed: number[] = [];
  for (let r = 1; r <= rounds; r += 1) {
    unchanged.push(storm(`r${r - 1}`));
    changed.push(storm(`r${r}`));
  }
  const asked = bodiesAskedFor;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  process.stdout.write(
    [
      `${total} served files (${devices} devices × ${files}), batches of ${BATCH}, ${rounds} rounds each`,
      '',
      '| fetch | µs per served record (median) | all rounds |',
      '|---|---|---|',
      `| unchanged file | ${round(median(unchanged))} | ${unchanged.map((x) => round(x)).join(', ')} |`,
      `| changed file | ${round(median(changed))} | ${changed.map((x) => round(x)).join(', ')} |`,
      '',
      `masked bodies asked for: ${asked} (${total} for the first storm + ${total} per changed round = ${total * (rounds + 1)})`,
      '',
    ].join('\n'),
  );
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
