import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { createBoundedMemo } from '../domain/bounded-memo.ts';
import type { SqlDatabase } from './sql-database.ts';

/**
 * Secrets at rest: SIP secrets, device HTTP credentials and switch SNMP credentials are stored sealed with AES-256-GCM
 * under a key kept in a file beside the database (`<data>/secret.key`, mode 0600), so a copied
 * `.db` (or a backup) without that file yields no secret. Sealed values read
 * `enc1:<key id>:<base64 of iv | tag | ciphertext>`; the key id lets a rotation re-seal in place
 * and lets a running server pick up a rotated key file.
 */

const PREFIX = 'enc1:';
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs for GCM
const TAG_BYTES = 16;
// Binds ciphertexts to this use so they cannot be replayed as some other kind of token.
const AAD = Buffer.from('deskprov secret v1');

/** The columns holding secrets: every one is sealed on write and opened on read. */
export const SEALED_COLUMNS: ReadonlyArray<{ table: string; key: string; column: string }> = [
  { table: 'extensions', key: 'number', column: 'secret' },
  { table: 'device_http_credentials', key: 'device_id', column: 'secret' },
  // The whole SNMP credentials JSON (v2c community, v3 user and keys): server/store/switch-repo.ts.
  { table: 'switches', key: 'id', column: 'credentials' },
];

interface KeyFile {
  current: string;
  keys: Record<string, string>;
}

/** Seals and opens secret strings; see the module comment for the stored form. */
export interface SecretBox {
  seal(plain: string): string;
  /** Opens a sealed value; a value stored before sealing existed is returned as it is. */
  open(stored: string): string;
  /** The key id new values are sealed with. */
  currentKeyId(): string;
  /** Re-reads the key file (after a rotation by another process). */
  reload(): void;
  /**
   * A key for another purpose, derived from the current key (HMAC-SHA256 of the label): every
   * instance holding the same key file derives the same one, e.g. the Digest nonce key, so a
   * nonce one instance issued is good at the others behind a load balancer.
   */
  derive(label: string): Buffer;
  /** The key file, or null for an in-memory database's throwaway key. */
  readonly keyFile: string | null;
}

/** True when a stored value is sealed (as opposed to legacy plaintext). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** The key id a sealed value names, or null for plaintext. */
export function sealedKeyId(stored: string): string | null {
  if (!isSealed(stored)) return null;
  const end = stored.indexOf(':', PREFIX.length);
  return end < 0 ? null : stored.slice(PREFIX.length, end);
}

function newKeyId(): string {
  return randomBytes(4).toString('hex');
}

function parseKeyFile(text: string, file: string): KeyFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`key file ${file} is damaged (not JSON)`);
  }
  const data = parsed as Partial<KeyFile>;
  if (typeof data.current !== 'string' || typeof data.keys !== 'object' || data.keys === null) {
    throw new Error(`key file ${file} is damaged (no current key)`);
  }
  for (const [id, key] of Object.entries(data.keys)) {
    if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 32) {
      throw new Error(`key file ${file} is damaged (key ${id} is not 32 bytes)`);
    }
  }
  if (data.keys[data.current] === undefined) throw new Error(`key file ${file} is damaged (current key missing)`);
  return { current: data.current, keys: data.keys };
}

/** Writes the key file atomically (temp file then rename), readable by the owner only. */
export function writeKeyFile(file: string, data: KeyFile): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(data)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** Reads the key file, creating it with one fresh key when absent (first start). */
export function loadOrCreateKeyFile(file: string): KeyFile {
  if (!existsSync(file)) {
    const id = newKeyId();
    const fresh: KeyFile = { current: id, keys: { [id]: randomBytes(32).toString('base64') } };
    try {
      // 'wx': two processes starting at once must not each write a different key.
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(fresh)}\n`);
      } finally {
        closeSync(fd);
      }
      return fresh;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return parseKeyFile(readFileSync(file, 'utf8'), file);
}

/** Opened values kept at most (a value is ~90 bytes: a few MB for the largest fleets). */
const MAX_OPENED = 100_000;

function boxOver(source: () => KeyFile, keyFile: string | null, changed: () => boolean): SecretBox {
  let keys = source();
  /** Sealed value → its text, for values whose key is still held (checked before each use). */
  const opened = createBoundedMemo<string, string>(MAX_OPENED);
  const keyOf = (id: string): Buffer | undefined => {
    const text = keys.keys[id];
    return text === undefined ? undefined : Buffer.from(text, 'base64');
  };
  const box: SecretBox = {
    keyFile,
    currentKeyId: () => keys.current,
    derive: (label) => createHmac('sha256', keyOf(keys.current) as Buffer).update(`deskprov:${label}`).digest(),
    reload: () => {
      keys = source();
      opened.clear();
    },
    seal(plain) {
      // A rotation by `deskprov keys rotate` changes the file while the server runs.
      if (changed()) box.reload();
      const key = keyOf(keys.current) as Buffer;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${keys.current}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(stored) {
      const id = sealedKeyId(stored);
      if (id === null) return stored;
      let key = keyOf(id);
      if (key === undefined) {
        box.reload();
        key = keyOf(id);
      }
      if (key === undefined) throw new Error(`a stored secret is sealed with key ${id}, which the key file does not hold`);
      // Every phone request opens its line's secret: a sealed value (random IV, so unique) opens
      // to the same text every time while its key is held, so it is opened once (docs/PERFORMANCE.md).
      return opened.get(stored, () => {
        const raw = Buffer.from(stored.slice(PREFIX.length + id.length + 1), 'base64');
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(AAD);
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      });
    },
  };
  return box;
}

/** A box over a key file (created on first use). */
export function fileSecretBox(keyFile: string): SecretBox {
  let mtime = 0;
  const read = (): KeyFile => {
    const data = loadOrCreateKeyFile(keyFile);
    mtime = statSync(keyFile).mtimeMs;
    return data;
  };
  return boxOver(read, keyFile, () => statSync(keyFile).mtimeMs !== mtime);
}

/** A box with a throwaway key, for in-memory databases. */
export function memorySecretBox(): SecretBox {
  const id = newKeyId();
  const data: KeyFile = { current: id, keys: { [id]: randomBytes(32).toString('base64') } };
  return boxOver(() => data, null, () => false);
}

const boxes = new WeakMap<SqlDatabase, SecretBox>();

/** Ties a box to an open database (done once by `openDatabase`). */
export function attachSecretBox(db: SqlDatabase, box: SecretBox): void {
  boxes.set(db, box);
}

/** The box of a database opened with `openDatabase`. */
export function secretBoxOf(db: SqlDatabase): SecretBox {
  const box = boxes.get(db);
  if (box === undefined) throw new Error('database opened without a secret box; use openDatabase');
  return box;
}

/**
 * Seals every secret not yet sealed with the box's current key: plaintext left by a version
 * before sealing existed, and values under an older key after a rotation. One transaction.
 * Returns how many values were (re-)sealed.
 */
export function resealSecrets(db: SqlDatabase, box: SecretBox): number {
  const current = box.currentKeyId();
  let count = 0;
  db.transaction(() => {
    for (const { table, key, column } of SEALED_COLUMNS) {
      // Only rows not sealed with the current key: this runs at every start, and reading 50,000
      // sealed secrets to skip them all cost a third of a second.
      const sealedNow = `${PREFIX}${current}:`;
      const rows = db
        .prepare(`SELECT ${key} AS k, ${column} AS v FROM ${table} WHERE substr(${column}, 1, ?) <> ?`)
        .all(sealedNow.length, sealedNow) as { k: unknown; v: string }[];
      const update = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`);
      for (const row of rows) {
        update.run(box.seal(box.open(row.v)), row.k);
        count += 1;
      }
    }
  }).immediate();
  return count;
}

/** The distinct key ids the stored secrets are sealed with (a backup needs these keys). */
export function keyIdsInUse(db: SqlDatabase): string[] {
  const ids = new Set<string>();
  for (const { table, column } of SEALED_COLUMNS) {
    for (const value of db.prepare(`SELECT ${column} FROM ${table}`).pluck().all() as string[]) {
      const id = sealedKeyId(value);
      if (id !== null) ids.add(id);
    }
  }
  return [...ids].sort();
}

/**
 * Rotates the key: a new key becomes current, every secret is re-sealed with it, then the old
 * keys are dropped. Each step leaves a readable state: the file holds old and new keys until the
 * re-seal has committed. Returns the new key id and how many secrets were re-sealed.
 */
export function rotateKey(db: SqlDatabase, keyFile: string): { keyId: string; resealed: number } {
  const before = loadOrCreateKeyFile(keyFile);
  const id = newKeyId();
  writeKeyFile(keyFile, { current: id, keys: { ...before.keys, [id]: randomBytes(32).toString('base64') } });
  const box = fileSecretBox(keyFile);
  const resealed = resealSecrets(db, box);
  const after = loadOrCreateKeyFile(keyFile);
  writeKeyFile(keyFile, { current: id, keys: { [id]: after.keys[id] as string } });
  return { keyId: id, resealed };
}
