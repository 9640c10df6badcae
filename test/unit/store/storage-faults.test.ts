import { describe, expect, it } from 'vitest';
import { storageFault, withStorageFaults } from '../../../server/store/storage-faults.ts';

function sqliteError(code: string): Error {
  return Object.assign(new Error(`sqlite says ${code}`), { code });
}

describe('storage faults', () => {
  it('names a full disk STORAGE_FULL and an unusable database STORAGE_UNAVAILABLE, and leaves other errors alone', () => {
    expect(storageFault(sqliteError('SQLITE_FULL'))?.code).toBe('STORAGE_FULL');
    for (const code of ['SQLITE_BUSY', 'SQLITE_IOERR_READ', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CANTOPEN', 'SQLITE_READONLY']) {
      expect(storageFault(sqliteError(code))?.code, code).toBe('STORAGE_UNAVAILABLE');
    }
    expect(storageFault(new TypeError('The database connection is not open'))?.code).toBe('STORAGE_UNAVAILABLE');
    expect(storageFault(sqliteError('SQLITE_CONSTRAINT_UNIQUE'))).toBeUndefined();
    expect(storageFault(new Error('a bug'))).toBeUndefined();
  });

  it('answers a remembered read with its last good result during an outage, and refuses writes', () => {
    let down = false;
    const rows = new Map([['a', { id: 'a', n: 1 }]]);
    const repo = withStorageFaults(
      {
        get: (id: string) => {
          if (down) throw sqliteError('SQLITE_IOERR');
          return rows.get(id);
        },
        insert: (id: string) => {
          if (down) throw sqliteError('SQLITE_FULL');
          rows.set(id, { id, n: 2 });
        },
      },
      new Set(['get']),
    );
    expect(repo.get('a')).toEqual({ id: 'a', n: 1 });
    down = true;
    expect(repo.get('a')).toEqual({ id: 'a', n: 1 });
    expect(() => repo.get('never-read')).toThrow(expect.objectContaining({ code: 'STORAGE_UNAVAILABLE' }));
    expect(() => repo.insert('b')).toThrow(expect.objectContaining({ code: 'STORAGE_FULL' }));
  });

  it('does not hide a disk-full read failure behind an old result', () => {
    let full = false;
    const get = (): number => {
      if (full) throw sqliteError('SQLITE_FULL');
      return 1;
    };
    const repo = withStorageFaults({ get }, new Set(['get']));
    expect(repo.get()).toBe(1);
    full = true;
    expect(() => repo.get()).toThrow(expect.objectContaining({ code: 'STORAGE_FULL' }));
  });
});
