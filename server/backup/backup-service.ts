import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { installationIdOf, revokeAllApiTokens, schemaVersionOf } from '../store/installation-repo.ts';
import { keyIdsInUse, loadOrCreateKeyFile } from '../store/secret-box.ts';
import { BackupRejected, decodeBackup, decodeHeader, encodeBackup, sha256Hex, type BackupHeader, type FirmwareEntry } from './backup-archive.ts';

/**
 * `deskprov backup` and `deskprov restore` over a data folder. The backup uses SQLite's online
 * backup (better-sqlite3 `db.backup()`), so it runs while the server serves and writes; it is
 * written to a temporary name and renamed, so a half-written backup never looks like one.
 */

export const DB_FILE = 'deskprov.db';
const BACKUP_NAME = /^deskprov-([0-9a-f]+)-(\d{8}T\d{6}(?:\d{3})?Z)\.dpbak$/;

function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace('.', '');
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** SHA-256 of every firmware image under `<data>/firmware` (images are not copied). */
export async function firmwareManifest(dataDir: string): Promise<FirmwareEntry[]> {
  const root = path.join(dataDir, 'firmware');
  if (!existsSync(root)) return [];
  const entries: FirmwareEntry[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      // Temporary upload files are not images yet.
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && !entry.name.includes('.upload-')) {
        entries.push({ path: path.relative(root, full).split(path.sep).join('/'), size: statSync(full).size, sha256: await fileSha256(full) });
      }
    }
  };
  await walk(root);
  return entries;
}

export interface BackupResult {
  file: string;
  header: BackupHeader;
  /** Older backups of this installation removed by `--keep`. */
  removed: string[];
}

/**
 * Writes a backup of `<dataDir>/deskprov.db` to `target`: a file name, or an existing folder
 * (then named `deskprov-<installation>-<time>.dpbak`). With `keep`, only the newest `keep`
 * backups of this installation in that folder are kept.
 */
export async function createBackup(opts: { dataDir: string; target: string; keep?: number; now?: Date }): Promise<BackupResult> {
  const dbFile = path.join(opts.dataDir, DB_FILE);
  if (!existsSync(dbFile)) throw new BackupRejected(`no database at ${dbFile}; is --data the server's data folder?`);
  if (opts.keep !== undefined && (!Number.isInteger(opts.keep) || opts.keep < 1)) {
    throw new BackupRejected('--keep must be a whole number of at least 1');
  }
  const now = opts.now ?? new Date();
  const source = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  source.pragma('busy_timeout = 5000');
  const installationId = installationIdOf(source);
  if (installationId === null) {
    source.close();
    throw new BackupRejected('the database has no installation id yet; start the server once to upgrade it');
  }
  const intoDir = existsSync(opts.target) && statSync(opts.target).isDirectory();
  const file = intoDir ? path.join(opts.target, `deskprov-${installationId}-${stamp(now)}.dpbak`) : opts.target;
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const image = path.join(dir, `.${path.basename(file)}.${process.pid}.sqlite`);
  let header: BackupHeader;
  try {
    await source.backup(image);
    // The copy is read for its facts, not the live file: they describe exactly what was saved.
    // Rollback-journal mode makes the image one self-contained file (the server turns WAL back on).
    const copy = new BetterSqlite3(image);
    copy.pragma('journal_mode = DELETE');
    const sealedWith = keyIdsInUse(copy);
    const schemaVersion = schemaVersionOf(copy);
    copy.close();
    const database = readFileSync(image);
    header = {
      format: 'deskprov-backup',
      version: 1,
      installationId,
      createdAt: now.toISOString(),
      schemaVersion,
      sealedWith,
      database: { bytes: database.length, sha256: sha256Hex(database) },
      firmware: await firmwareManifest(opts.dataDir),
    };
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, encodeBackup(header, database), { mode: 0o600 });
    renameSync(temp, file);
  } finally {
    source.close();
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${image}${suffix}`, { force: true });
  }
  const removed = opts.keep === undefined ? [] : pruneBackups(dir, installationId, opts.keep);
  return { file, header, removed };
}

/** Removes all but the newest `keep` backups of one installation in a folder. */
export function pruneBackups(dir: string, installationId: string, keep: number): string[] {
  const mine = readdirSync(dir)
    .map((name) => ({ name, match: BACKUP_NAME.exec(name) }))
    .filter((e) => e.match?.[1] === installationId)
    .map((e) => e.name)
    .sort();
  const doomed = mine.slice(0, Math.max(0, mine.length - keep)).map((name) => path.join(dir, name));
  for (const file of doomed) rmSync(file, { force: true });
  return doomed;
}

export interface RestoreResult {
  header: BackupHeader;
  /** Where the replaced database was moved (null when the folder had none). */
  previous: string | null;
  revokedTokens: number;
  /** Firmware images the manifest lists that are missing or differ on disk. */
  firmwareProblems: string[];
}

/**
 * Restores a backup into a data folder (the server must be stopped). Refuses, changing nothing:
 * a damaged file, a backup of another installation when the folder already has a database, a
 * database image that fails SQLite's integrity check, and a backup whose sealed secrets need a
 * key the folder's `secret.key` does not hold. The replaced database is kept beside it.
 * `resetAdmin` revokes every API token; the next start prints a new super-admin token.
 */
export async function restoreBackup(opts: { dataDir: string; file: string; resetAdmin?: boolean; now?: Date }): Promise<RestoreResult> {
  if (!existsSync(opts.file)) throw new BackupRejected(`no backup at ${opts.file}`);
  const { header, database } = decodeBackup(readFileSync(opts.file));
  const now = opts.now ?? new Date();
  const dbFile = path.join(opts.dataDir, DB_FILE);
  if (existsSync(dbFile)) {
    const current = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
    const currentId = installationIdOf(current);
    current.close();
    if (currentId !== null && currentId !== header.installationId) {
      throw new BackupRejected(
        `this backup belongs to installation ${header.installationId}, but ${opts.dataDir} holds installation ${currentId}; ` +
          'restore into an empty data folder to move an installation',
      );
    }
  }
  const keyFile = path.join(opts.dataDir, 'secret.key');
  const keys = existsSync(keyFile) ? Object.keys(loadOrCreateKeyFile(keyFile).keys) : [];
  const missing = header.sealedWith.filter((id) => !keys.includes(id));
  if (missing.length > 0) {
    throw new BackupRejected(
      `the backup's secrets are sealed with key ${missing.join(', ')}, which ${keyFile} does not hold; ` +
        "put back that installation's secret.key (it is never inside a backup)",
    );
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const staged = path.join(opts.dataDir, `.restore-${process.pid}.db`);
  writeFileSync(staged, database, { mode: 0o600 });
  let revokedTokens = 0;
  try {
    const check = new BetterSqlite3(staged);
    try {
      const integrity = check.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new BackupRejected(`the backup's database fails SQLite's integrity check: ${String(integrity)}`);
      if (installationIdOf(check) !== header.installationId) {
        throw new BackupRejected('the backup is damaged: its database names another installation than its header');
      }
      if (opts.resetAdmin === true) revokedTokens = revokeAllApiTokens(check, now.toISOString());
    } finally {
      check.close();
    }
  } catch (err) {
    rmSync(staged, { force: true });
    throw err;
  }
  let previous: string | null = null;
  if (existsSync(dbFile)) {
    // Fold the WAL in, so the kept file is whole on its own.
    const old = new BetterSqlite3(dbFile);
    old.pragma('wal_checkpoint(TRUNCATE)');
    old.close();
    previous = path.join(opts.dataDir, `${DB_FILE}.before-restore-${stamp(now)}`);
    renameSync(dbFile, previous);
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
  renameSync(staged, dbFile);
  const firmwareProblems = await checkFirmware(opts.dataDir, header.firmware);
  return { header, previous, revokedTokens, firmwareProblems };
}

async function checkFirmware(dataDir: string, manifest: readonly FirmwareEntry[]): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of manifest) {
    const file = path.join(dataDir, 'firmware', ...entry.path.split('/'));
    if (!existsSync(file)) problems.push(`${entry.path}: missing`);
    else if ((await fileSha256(file)) !== entry.sha256) problems.push(`${entry.path}: differs from the backup's manifest`);
  }
  return problems;
}

/** The header of a backup file, verified (for listing and tests). */
export function readBackupHeader(file: string): BackupHeader {
  return decodeHeader(readFileSync(file)).header;
}
