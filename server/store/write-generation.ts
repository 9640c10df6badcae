import { PostgresDatabase } from './postgres/postgres-database.ts';
import type { SqlDatabase } from './sql-database.ts';

/**
 * A number that moves whenever a row the phone pipeline reads may have changed: on every write
 * through this process's repositories (they call `bump`), and on every commit another connection
 * made to the same file (`PRAGMA data_version`, sqlite.org/pragma.html#pragma_data_version: a
 * CLI or a second process), or, on PostgreSQL, every write another instance announced.
 * In-memory copies of rows compare it to know when to drop themselves.
 */
export interface WriteGeneration {
  current(): number;
  bump(): void;
}

const generations = new WeakMap<SqlDatabase, WriteGeneration>();

/** The write generation of one open database (one per connection, made on first use). */
export function writeGenerationOf(db: SqlDatabase): WriteGeneration {
  let generation = generations.get(db);
  if (generation === undefined) {
    generation = createWriteGeneration(db);
    generations.set(db, generation);
  }
  return generation;
}

/**
 * Another connection's commit is looked for at most this often: a fetch asks for the generation
 * a dozen times, and the PRAGMA is a statement each time. This process's own writes count at once.
 */
const OTHER_CONNECTIONS_CHECK_MS = 20;

function createWriteGeneration(db: SqlDatabase): WriteGeneration {
  return db instanceof PostgresDatabase ? sharedWriteGeneration(db) : fileWriteGeneration(db);
}

/**
 * On PostgreSQL other instances announce their writes (postgres/peer-notices.ts), and this
 * instance's writes are announced to them: after the write, or with the commit around it.
 */
function sharedWriteGeneration(db: PostgresDatabase): WriteGeneration {
  let local = 0;
  return {
    current: () => local + (db.peers?.writes() ?? 0),
    bump(): void {
      local += 1;
      db.noteWrite();
    },
  };
}

function fileWriteGeneration(db: SqlDatabase): WriteGeneration {
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let local = 0;
  let seen: unknown = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  return {
    current(): number {
      const now = performance.now();
      if (now - checkedAt < OTHER_CONNECTIONS_CHECK_MS) return local;
      checkedAt = now;
      let version: unknown;
      try {
        version = dataVersion.get();
      } catch {
        // The file cannot be read now: keep what is in memory, as the store's last good reads do.
        return local;
      }
      if (version !== seen) {
        seen = version;
        local += 1;
      }
      return local;
    },
    bump(): void {
      local += 1;
    },
  };
}
