import type { SqlDatabase } from './sql-database.ts';
import type { Site } from '../domain/site.ts';
import { secretBoxOf, type SecretBox } from './secret-box.ts';
import { withStorageFaults } from './storage-faults.ts';
import { writeGenerationOf } from './write-generation.ts';
import { type Row, str, strOrNull } from './sqlite/sql-helpers.ts';

/**
 * The phone pipeline's own tables (migration 200): per-device HTTP credentials, the last file
 * served per device, Poly uploads. Everything else the pipeline reads goes through the core
 * repositories. Statements are prepared once: this sits on the phone hot path.
 */

export interface HttpCredentials {
  deviceId: string;
  username: string;
  secret: string;
  claimOpenUntil: string | null;
  handedOutAt: string | null;
  handedOutIp: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ServedFile {
  deviceId: string;
  file: string;
  revision: string;
  etag: string;
  maskedBody: Buffer;
  at: string;
  ip: string | null;
  userAgent: string | null;
  firmware: string | null;
  transport: 'http' | 'https' | 'tftp';
  /** The device's config revision when served (goes to devices.last_served_revision). */
  configRevision: number;
}

/** A served file to record: its masked body is asked for only when the file's revision changed. */
export interface ServedRecord extends Omit<ServedFile, 'maskedBody'> {
  maskedBody: () => Buffer;
}

export interface Upload {
  deviceId: string;
  file: string;
  body: Buffer;
  at: string;
}

export interface PhoneReadRepo {
  /**
   * Every site, on a statement prepared once: the network guard reads them on every phone
   * request, and the paged listing of the core repository costs a count query each time.
   */
  sites(): Site[];
  credentialsOf(deviceId: string): HttpCredentials | undefined;
  credentialsByUsername(username: string): HttpCredentials | undefined;
  /** Inserts credentials unless the device already has some; returns the stored row. */
  ensureCredentials(row: HttpCredentials): HttpCredentials;
  /** Replaces credentials (rotation): new secret, claim window reopened, hand-out forgotten. */
  replaceCredentials(row: HttpCredentials): void;
  markHandedOut(deviceId: string, at: string, ip: string): void;
  /**
   * One transaction: upsert each served file and the device's "last seen/served" columns, and the
   * masked body when the file's revision is not the one whose body is stored.
   */
  recordServed(batch: readonly ServedRecord[]): void;
  lastServed(deviceId: string, file: string): ServedFile | undefined;
  servedFiles(deviceId: string): ServedFile[];
  /** Stores an upload, keeping at most `maxFilesPerDevice` files per device (oldest dropped). */
  saveUpload(upload: Upload, maxFilesPerDevice: number): void;
  uploads(deviceId: string): Array<Omit<Upload, 'body'> & { size: number }>;
}

function toSite(r: Row): Site {
  return {
    id: str(r.id),
    name: str(r.name),
    timezone: str(r.timezone),
    networks: JSON.parse(str(r.networks)) as string[],
    extensionRange: { first: Number(r.range_first), last: Number(r.range_last) },
    registrar: JSON.parse(str(r.registrar)) as Site['registrar'],
    tftpSecrets: r.tftp_secrets === 1,
    checkSync: { allowed: r.check_sync_allowed !== 0 },
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function toCredentials(r: Row, box: SecretBox): HttpCredentials {
  return {
    deviceId: str(r.device_id),
    username: str(r.username),
    secret: box.open(str(r.secret)),
    claimOpenUntil: strOrNull(r.claim_open_until),
    handedOutAt: strOrNull(r.handed_out_at),
    handedOutIp: strOrNull(r.handed_out_ip),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

function toServed(r: Row): ServedFile {
  return {
    deviceId: str(r.device_id),
    file: str(r.file),
    revision: str(r.revision),
    etag: str(r.etag),
    maskedBody: r.masked_body as Buffer,
    at: str(r.at),
    ip: strOrNull(r.ip),
    userAgent: strOrNull(r.user_agent),
    firmware: strOrNull(r.firmware),
    transport: str(r.transport) as ServedFile['transport'],
    configRevision: Number(r.config_revision ?? 0),
  };
}

/** The phone pipeline's tables, with storage faults handled as `storage-faults.ts` says. */
export function sqlitePhoneRepo(db: SqlDatabase): PhoneReadRepo {
  return withStorageFaults(phoneRepoOver(db), new Set(['credentialsOf', 'credentialsByUsername', 'sites', 'lastServed']));
}

function phoneRepoOver(db: SqlDatabase): PhoneReadRepo {
  const box = secretBoxOf(db);
  const generation = writeGenerationOf(db);
  const sealed = (row: HttpCredentials): HttpCredentials => ({ ...row, secret: box.seal(row.secret) });
  const allSites = db.prepare('SELECT * FROM sites ORDER BY created_at, id');
  const byDevice = db.prepare('SELECT * FROM device_http_credentials WHERE device_id = ?');
  const byUser = db.prepare('SELECT * FROM device_http_credentials WHERE username = ?');
  // Upserts are written as ON CONFLICT, which SQLite and PostgreSQL both read.
  const insertCreds = db.prepare(`INSERT INTO device_http_credentials
    (device_id, username, secret, claim_open_until, handed_out_at, handed_out_ip, created_at, updated_at)
    VALUES (@deviceId, @username, @secret, @claimOpenUntil, @handedOutAt, @handedOutIp, @createdAt, @updatedAt)
    ON CONFLICT DO NOTHING`);
  const replaceCreds = db.prepare(`INSERT INTO device_http_credentials
    (device_id, username, secret, claim_open_until, handed_out_at, handed_out_ip, created_at, updated_at)
    VALUES (@deviceId, @username, @secret, @claimOpenUntil, @handedOutAt, @handedOutIp, @createdAt, @updatedAt)
    ON CONFLICT (device_id) DO UPDATE SET username = excluded.username, secret = excluded.secret,
      claim_open_until = excluded.claim_open_until, handed_out_at = excluded.handed_out_at,
      handed_out_ip = excluded.handed_out_ip, created_at = excluded.created_at, updated_at = excluded.updated_at`);
  const handOut = db.prepare(`UPDATE device_http_credentials SET handed_out_at = ?, handed_out_ip = ?, updated_at = ?
    WHERE device_id = ? AND handed_out_at IS NULL`);
  const upsertServed = db.prepare(`INSERT INTO device_served_files
    (device_id, file, revision, etag, at, ip, user_agent, firmware, transport)
    VALUES (@deviceId, @file, @revision, @etag, @at, @ip, @userAgent, @firmware, @transport)
    ON CONFLICT (device_id, file) DO UPDATE SET revision = excluded.revision, etag = excluded.etag,
      at = excluded.at, ip = excluded.ip, user_agent = excluded.user_agent,
      firmware = excluded.firmware, transport = excluded.transport`);
  const bodyRevision = db.prepare('SELECT revision FROM device_served_bodies WHERE device_id = ? AND file = ?').pluck();
  const upsertBody = db.prepare(`INSERT INTO device_served_bodies (device_id, file, revision, masked_body)
    VALUES (?, ?, ?, ?)
    ON CONFLICT (device_id, file) DO UPDATE SET revision = excluded.revision, masked_body = excluded.masked_body`);
  // Only the "last seen" columns: the admin-owned fields of the row are never touched here.
  const seen = db.prepare(`UPDATE devices SET last_seen_at = @at, last_ip = @ip, last_ua = @userAgent,
    last_firmware = COALESCE(@firmware, last_firmware), last_file = @file, last_served_revision = @configRevision
    WHERE id = @deviceId`);
  const served = db.prepare(`SELECT s.*, b.masked_body, d.last_served_revision AS config_revision FROM device_served_files s
    JOIN device_served_bodies b ON b.device_id = s.device_id AND b.file = s.file
    JOIN devices d ON d.id = s.device_id WHERE s.device_id = ? AND s.file = ?`);
  const servedAll = db.prepare(`SELECT s.*, b.masked_body, d.last_served_revision AS config_revision FROM device_served_files s
    JOIN device_served_bodies b ON b.device_id = s.device_id AND b.file = s.file
    JOIN devices d ON d.id = s.device_id WHERE s.device_id = ? ORDER BY s.file`);
  const upsertUpload = db.prepare(`INSERT INTO device_uploads (device_id, file, body, at) VALUES (?, ?, ?, ?)
    ON CONFLICT (device_id, file) DO UPDATE SET body = excluded.body, at = excluded.at`);
  const trimUploads = db.prepare(`DELETE FROM device_uploads WHERE device_id = ? AND file NOT IN
    (SELECT file FROM device_uploads WHERE device_id = ? ORDER BY at DESC, file LIMIT ?)`);
  const listUploads = db.prepare('SELECT device_id, file, at, length(body) AS size FROM device_uploads WHERE device_id = ? ORDER BY file');

  const recordBatch = db.transaction((batch: readonly ServedRecord[]) => {
    // A phone's files arrive together, so a batch holds several of one device: its "last seen"
    // columns are written once, from its last fetch, keeping the last firmware any fetch named.
    const lastSeen = new Map<string, Omit<ServedRecord, 'maskedBody'>>();
    for (const item of batch) {
      const { maskedBody, ...fields } = item;
      upsertServed.run(fields);
      // An unchanged file (the usual warm boot) leaves its stored body alone: not rendered, not rewritten.
      if (bodyRevision.get(item.deviceId, item.file) !== item.revision) upsertBody.run(item.deviceId, item.file, item.revision, maskedBody());
      const earlier = lastSeen.get(item.deviceId);
      lastSeen.delete(item.deviceId);
      lastSeen.set(item.deviceId, { ...fields, firmware: fields.firmware ?? earlier?.firmware ?? null });
    }
    for (const fields of lastSeen.values()) seen.run(fields);
  });

  return {
    sites: () => (allSites.all() as Row[]).map(toSite),
    credentialsOf: (deviceId) => {
      const row = byDevice.get(deviceId) as Row | undefined;
      return row === undefined ? undefined : toCredentials(row, box);
    },
    credentialsByUsername: (username) => {
      const row = byUser.get(username) as Row | undefined;
      return row === undefined ? undefined : toCredentials(row, box);
    },
    // Credentials decide who is served and what is in the files: their writes move the generation.
    ensureCredentials(row) {
      if (insertCreds.run(sealed(row)).changes > 0) generation.bump();
      return toCredentials(byDevice.get(row.deviceId) as Row, box);
    },
    replaceCredentials: (row) => {
      replaceCreds.run(sealed(row));
      generation.bump();
    },
    markHandedOut: (deviceId, at, ip) => {
      if (handOut.run(at, ip, at, deviceId).changes > 0) generation.bump();
    },
    recordServed: (batch) => {
      if (batch.length > 0) recordBatch(batch);
    },
    lastServed: (deviceId, file) => {
      const row = served.get(deviceId, file) as Row | undefined;
      return row === undefined ? undefined : toServed(row);
    },
    servedFiles: (deviceId) => (servedAll.all(deviceId) as Row[]).map(toServed),
    saveUpload: (upload, maxFilesPerDevice) => {
      db.transaction(() => {
        upsertUpload.run(upload.deviceId, upload.file, upload.body, upload.at);
        trimUploads.run(upload.deviceId, upload.deviceId, maxFilesPerDevice);
      })();
    },
    uploads: (deviceId) =>
      (listUploads.all(deviceId) as Row[]).map((r) => ({ deviceId: str(r.device_id), file: str(r.file), at: str(r.at), size: Number(r.size) })),
  };
}
