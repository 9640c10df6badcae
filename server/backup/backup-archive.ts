import { createHash } from 'node:crypto';

/**
 * The backup file: one line of magic, one line of JSON header, then the SQLite database bytes.
 * The header names the installation, the schema, the keys the sealed secrets need, the
 * database's size and SHA-256, and the firmware manifest; `headerSha256` covers the header
 * itself, so any flipped byte anywhere is caught before a restore touches the data folder.
 * Secrets stay sealed inside (server/store/secret-box.ts): the key file is not in the backup.
 */

export const MAGIC = 'DESKPROV-BACKUP 1\n';

export interface FirmwareEntry {
  /** Relative to `<data>/firmware`, with `/` separators. */
  path: string;
  size: number;
  sha256: string;
}

export interface BackupHeader {
  format: 'deskprov-backup';
  version: 1;
  installationId: string;
  createdAt: string;
  schemaVersion: number;
  /** Key ids of `secret.key` that the sealed secrets in the database need. */
  sealedWith: string[];
  database: { bytes: number; sha256: string };
  firmware: FirmwareEntry[];
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Thrown for a file that is not an intact deskprov backup; the message says what is wrong. */
export class BackupRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRejected';
  }
}

/** The archive bytes for a header and a database image. */
export function encodeBackup(header: BackupHeader, database: Buffer): Buffer {
  const body = JSON.stringify(header);
  const line = JSON.stringify({ header, headerSha256: sha256Hex(body) });
  return Buffer.concat([Buffer.from(MAGIC), Buffer.from(`${line}\n`), database]);
}

function isHeader(value: unknown): value is BackupHeader {
  const h = value as Partial<BackupHeader> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    h.format === 'deskprov-backup' &&
    h.version === 1 &&
    typeof h.installationId === 'string' &&
    typeof h.createdAt === 'string' &&
    typeof h.schemaVersion === 'number' &&
    Array.isArray(h.sealedWith) &&
    typeof h.database?.bytes === 'number' &&
    typeof h.database.sha256 === 'string' &&
    Array.isArray(h.firmware)
  );
}

/** Reads just the header (checked against its own checksum), e.g. to sort backups. */
export function decodeHeader(bytes: Buffer): { header: BackupHeader; databaseOffset: number } {
  if (bytes.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) {
    throw new BackupRejected('not a deskprov backup (the file does not start with the backup marker)');
  }
  const end = bytes.indexOf(0x0a, MAGIC.length);
  if (end < 0) throw new BackupRejected('the backup is damaged: its header is cut off');
  let parsed: { header?: unknown; headerSha256?: unknown };
  try {
    parsed = JSON.parse(bytes.subarray(MAGIC.length, end).toString('utf8')) as typeof parsed;
  } catch {
    throw new BackupRejected('the backup is damaged: its header is not readable');
  }
  if (!isHeader(parsed.header) || parsed.headerSha256 !== sha256Hex(JSON.stringify(parsed.header))) {
    throw new BackupRejected('the backup is damaged: its header does not match its checksum');
  }
  return { header: parsed.header, databaseOffset: end + 1 };
}

/** Header and database image of an intact backup; throws `BackupRejected` otherwise. */
export function decodeBackup(bytes: Buffer): { header: BackupHeader; database: Buffer } {
  const { header, databaseOffset } = decodeHeader(bytes);
  const database = bytes.subarray(databaseOffset);
  if (database.length !== header.database.bytes) {
    throw new BackupRejected(
      `the backup is damaged: the database is ${database.length} bytes, the header says ${header.database.bytes}`,
    );
  }
  if (sha256Hex(database) !== header.database.sha256) {
    throw new BackupRejected('the backup is damaged: the database does not match its SHA-256 checksum');
  }
  return { header, database };
}
