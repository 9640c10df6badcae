import { describe, expect, it } from 'vitest';
import { BackupRejected, decodeBackup, encodeBackup, sha256Hex, type BackupHeader } from '../../../server/backup/backup-archive.ts';

const database = Buffer.from('SQLite format 3\u0000 pretend pages');
const header: BackupHeader = {
  format: 'deskprov-backup',
  version: 1,
  installationId: '0123456789abcdef0123456789abcdef',
  createdAt: '2026-03-02T09:00:00.000Z',
  schemaVersion: 900,
  sealedWith: ['a1b2c3d4'],
  database: { bytes: database.length, sha256: sha256Hex(database) },
  firmware: [{ path: 'yealink/x.rom', size: 3, sha256: sha256Hex('abc') }],
};

describe('backup archive', () => {
  it('decodes what it encodes', () => {
    const decoded = decodeBackup(encodeBackup(header, database));
    expect(decoded.header).toEqual(header);
    expect(decoded.database.equals(database)).toBe(true);
  });

  it('refuses a file without the marker, a changed header, a cut or changed database', () => {
    const bytes = encodeBackup(header, database);
    expect(() => decodeBackup(Buffer.from('hello'))).toThrow(/not a deskprov backup/);
    const forged = Buffer.from(bytes.toString('latin1').replace('"schemaVersion":900', '"schemaVersion":901'), 'latin1');
    expect(() => decodeBackup(forged)).toThrow(/header does not match its checksum/);
    expect(() => decodeBackup(bytes.subarray(0, bytes.length - 3))).toThrow(/database is \d+ bytes, the header says/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0xff;
    expect(() => decodeBackup(flipped)).toThrow(BackupRejected);
  });
});
