import BetterSqlite3 from 'better-sqlite3';

/**
 * Every text and blob value of every table of the SQLite file, read with plain better-sqlite3 (no
 * key), so an at-rest test can look for a secret in what an attacker with the file would see.
 */
export function everyStoredValue(file: string): string[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    return tables.flatMap((t) =>
      (db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][]).flat().map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v))),
    );
  } finally {
    db.close();
  }
}
