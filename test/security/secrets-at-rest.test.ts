import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/store/database.ts';
import { fileSecretBox, keyIdsInUse, loadOrCreateKeyFile, rotateKey, secretBoxOf } from '../../server/store/secret-box.ts';
import { seed, startPhoneServer, type PhoneServer } from '../integration/helpers/phone-server.ts';
import { runBin } from '../setup/cli-process.ts';
import { everyStoredValue } from './helpers/stored-values.ts';

const MAC = '44dbd2010203';
const UA = 'Yealink SIP-T54W 96.86.0.70 44:db:d2:01:02:03';

let server: PhoneServer;
let copyDir: string;

beforeEach(async () => {
  server = await startPhoneServer();
  copyDir = mkdtempSync(join(tmpdir(), 'deskprov-copy-'));
});
afterEach(async () => {
  await server.close();
  rmSync(copyDir, { recursive: true, force: true });
});

/** A device with handed-out HTTP credentials and a user line: both kinds of stored secret. */
async function secretsInUse(): Promise<string[]> {
  const ids = await seed(server);
  const created = await server.api('POST', '/devices', { mac: MAC, model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId });
  expect(created.status).toBe(201);
  const cfg = await (await fetch(`${server.root}${MAC}.cfg`, { headers: { 'user-agent': UA } })).text();
  const httpPassword = /static\.auto_provision\.server\.password\s*=\s*(\S+)/.exec(cfg)?.[1];
  const sip = await server.api('POST', `/extensions/${ids.extension}/secret:reveal`);
  expect(sip.status).toBe(200);
  expect(httpPassword).toMatch(/^\S{16,}$/);
  return [httpPassword as string, sip.body.secret as string];
}

describe('secrets at rest', () => {
  it('keeps SIP secrets and device credentials out of a copied database file', async () => {
    const secrets = await secretsInUse();
    server.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    copyFileSync(join(server.dir, 'deskprov.db'), join(copyDir, 'deskprov.db'));
    const bytes = readFileSync(join(copyDir, 'deskprov.db')).toString('latin1');
    const values = everyStoredValue(join(copyDir, 'deskprov.db'));
    for (const secret of secrets) {
      expect(bytes).not.toContain(secret);
      expect(values.some((v) => v.includes(secret))).toBe(false);
    }
    const stored = new BetterSqlite3(join(copyDir, 'deskprov.db'), { readonly: true });
    const sealed = stored.prepare('SELECT secret FROM extensions UNION ALL SELECT secret FROM device_http_credentials').pluck().all() as string[];
    stored.close();
    expect(sealed.length).toBe(2);
    for (const value of sealed) expect(value).toMatch(/^enc1:[0-9a-f]{8}:/);
  });

  it('creates the key file readable by its owner only, and a copy without it yields no secret', async () => {
    const secrets = await secretsInUse();
    expect(statSync(join(server.dir, 'secret.key')).mode & 0o777).toBe(0o600);
    server.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    copyFileSync(join(server.dir, 'deskprov.db'), join(copyDir, 'deskprov.db'));
    // Without its key the copy does not open (no fresh key is made over sealed secrets) ...
    expect(() => openDatabase(join(copyDir, 'deskprov.db'))).toThrow(/sealed secrets .* is missing/);
    expect(existsSync(join(copyDir, 'secret.key'))).toBe(false);
    // ... and a key from another installation opens none of them.
    const other = join(copyDir, 'other');
    mkdirSync(other);
    openDatabase(join(other, 'deskprov.db')).close();
    copyFileSync(join(other, 'secret.key'), join(copyDir, 'secret.key'));
    expect(() => openDatabase(join(copyDir, 'deskprov.db'))).toThrow(/key file does not hold/);
    expect(JSON.stringify(everyStoredValue(join(copyDir, 'deskprov.db')))).not.toContain(secrets[1]);
  });

  it('seals plaintext left by an older version when the database is opened', async () => {
    const [, sip] = await secretsInUse();
    server.db.prepare('UPDATE extensions SET secret = ?').run('legacy-plain-secret-123');
    server.db.close();
    const reopened = openDatabase(join(server.dir, 'deskprov.db'));
    const stored = reopened.prepare('SELECT secret FROM extensions').pluck().get() as string;
    expect(stored).toMatch(/^enc1:/);
    expect(secretBoxOf(reopened).open(stored)).toBe('legacy-plain-secret-123');
    expect(sip).not.toBe('legacy-plain-secret-123');
    reopened.close();
    server.db = openDatabase(join(server.dir, 'deskprov.db'));
  });

  it('rotates the key: every secret re-sealed, the old key gone, the same secrets served', async () => {
    const [httpPassword, sip] = await secretsInUse();
    const keyFile = join(server.dir, 'secret.key');
    const oldKey = loadOrCreateKeyFile(keyFile);
    const oldId = oldKey.current;
    const { keyId, resealed } = rotateKey(server.db, keyFile);
    expect(resealed).toBe(2);
    expect(keyId).not.toBe(oldId);
    expect(Object.keys(loadOrCreateKeyFile(keyFile).keys)).toEqual([keyId]);
    expect(keyIdsInUse(server.db)).toEqual([keyId]);
    // The running server's box picks the new key up by itself.
    const again = await server.api('POST', '/extensions/1000/secret:reveal');
    expect(again.body.secret).toBe(sip);
    // A copy of the key file from before the rotation opens nothing any more.
    const stored = server.db.prepare('SELECT secret FROM device_http_credentials').pluck().get() as string;
    expect(secretBoxOf(server.db).open(stored)).toBe(httpPassword);
    writeFileSync(join(copyDir, 'old.key'), JSON.stringify(oldKey));
    expect(() => fileSecretBox(join(copyDir, 'old.key')).open(stored)).toThrow(/key file does not hold/);
  });

  it('deskprov keys rotate re-seals a data folder and says what it did', async () => {
    const [httpPassword, sip] = await secretsInUse();
    const keyFile = join(server.dir, 'secret.key');
    const oldId = loadOrCreateKeyFile(keyFile).current;
    const run = await runBin(['keys', 'rotate', '--data', server.dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const newId = loadOrCreateKeyFile(keyFile).current;
    expect(newId).not.toBe(oldId);
    expect(run.stdout).toContain(`new key ${newId}; 2 secrets re-sealed`);
    expect(keyIdsInUse(server.db)).toEqual([newId]);
    const box = secretBoxOf(server.db);
    expect(box.open(server.db.prepare('SELECT secret FROM extensions').pluck().get() as string)).toBe(sip);
    expect(box.open(server.db.prepare('SELECT secret FROM device_http_credentials').pluck().get() as string)).toBe(httpPassword);
    const missing = await runBin(['keys', 'rotate', '--data', copyDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no database in .*--data/);
  });
});
