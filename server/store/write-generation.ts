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
  /**
   * Like `current`, but left alone by config edits (`bump('config-edit')`): for copies of rows a
   * config edit never writes — sites, extensions, users, phone credentials — so a profile edit
   * that every phone of a building then fetches for does not make each of them read those again.
   */
  beyondConfigEdits(): number;
  /**
   * A write. `config-edit` only for one that can have changed nothing but profile rows and the
   * devices' config-revision columns; anything else, or not known, moves both numbers.
   */
  bump(scope?: 'config-edit'): void;
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
  let beyond = 0;
  // Another instance's announcement says nothing of what it wrote: it moves both.
  return {
    current: () => local + (db.peers?.writes() ?? 0),
    beyondConfigEdits: () => beyond + (db.peers?.writes() ?? 0),
    bump(scope): void {
      local += 1;
      if (scope === undefined) beyond += 1;
      db.noteWrite();
    },
  };
}

function fileWriteGeneration(db: SqlDatabase): WriteGeneration {
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let local = 0;
  let beyond = 0;
  let seen: unknown = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  /** Another connection's commit may have written anything: it moves both numbers. */
  function lookForOtherConnections(): void {
    const now = performance.now();
    if (now - checkedAt < OTHER_CONNECTIONS_CHECK_MS) return;
    checkedAt = now;
    let version: unknown;
    try {
      version = dataVersion.get();
    } catch {
      // The file cannot be read now: keep what is in memory, as the store's last good reads do.
      return;
    }
    if (version !== seen) {
      seen = version;
      local += 1;
      beyond += 1;
    }
  }
  return {
    current(): number {
      lookForOtherConnections();
      return local;
    },
    beyondConfigEdits(): number {
      lookForOtherConnections();
      return beyond;
    },
    bump(scope): void {
      local += 1;
      if (scope === undefined) beyond += 1;
    },
  };
}
