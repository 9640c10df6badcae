import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

// vitest is loaded only inside a vitest worker: importing it anywhere else throws, and startPostgres
// is also meant for scripts (benchmarks) that run outside vitest.
const vitest = process.env.VITEST_WORKER_ID === undefined ? undefined : await import('vitest');

/** A throwaway PostgreSQL cluster on 127.0.0.1, owned by one test file. */
export interface TestPostgres {
  /** Superuser (`deskprov`, trust auth) URL of the cluster's `postgres` database. */
  url: string;
  /** Creates an empty database with a random name and resolves with its URL. */
  newDatabase(): Promise<string>;
  /** Stops the server (`pg_ctl stop -m fast`) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops the server but keeps its data, as an outage would (`pg_ctl stop -m fast`). */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port and data. */
  resume(): Promise<void>;
}

const SUPERUSER = 'deskprov';
const START_TIMEOUT_S = 30;
const LOG_TAIL_LINES = 30;

interface Run {
  stdout: string;
  stderr: string;
}

/**
 * Starts a PostgreSQL cluster from the Debian `postgresql` package (test/setup/apt-packages.txt)
 * in a fresh directory under the OS temp dir: trust auth, listening on 127.0.0.1 only at a free
 * port, its socket inside that directory, fsync off. As root the server runs as the `postgres`
 * user, since initdb and postgres refuse to run as root.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'deskprov-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const asPostgres = process.getuid?.() === 0;
  const run = (tool: string, args: readonly string[], timeoutMs: number): Promise<Run> => {
    const command = asPostgres ? 'runuser' : join(bin, tool);
    const argv = asPostgres ? ['-u', 'postgres', '--', join(bin, tool), ...args] : [...args];
    return execFileBounded(command, argv, dir, timeoutMs);
  };
  try {
    if (asPostgres) {
      const owner = await postgresUser();
      chownSync(dir, owner.uid, owner.gid);
    }
    // C collation: text compares byte-wise, as SQLite's default BINARY collation does.
    await run('initdb', ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], 120_000);
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        '',
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'max_connections = 200',
        'shared_buffers = 32MB',
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        '',
      ].join('\n'),
    );
    const port = await startOnFreePort(data, log, run);
    const url = `postgresql://${SUPERUSER}@127.0.0.1:${port}/postgres`;
    let stopped: Promise<void> | undefined;
    const ctl = (...args: string[]) =>
      run('pg_ctl', ['-D', data, ...args, '-w', '-t', String(START_TIMEOUT_S)], (START_TIMEOUT_S + 15) * 1000).then(() => undefined);
    return {
      url,
      pause: () => ctl('-m', 'fast', 'stop'),
      resume: () => ctl('-l', log, 'start'),
      newDatabase: () => createDatabaseOn(url),
      stop: () =>
        (stopped ??= run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', String(START_TIMEOUT_S), 'stop'], (START_TIMEOUT_S + 15) * 1000)
          .then(() => undefined)
          .finally(() => rmSync(dir, { recursive: true, force: true }))),
    };
  } catch (err) {
    await run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'], 15_000).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Starts the server on a port the OS just reported free; another process may take it in between,
 * so a bind failure picks another port (a later `port =` line overrides an earlier one).
 */
async function startOnFreePort(
  data: string,
  log: string,
  run: (tool: string, args: readonly string[], timeoutMs: number) => Promise<Run>,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    appendFileSync(join(data, 'postgresql.conf'), `port = ${port}\n`);
    try {
      await run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', String(START_TIMEOUT_S), 'start'], (START_TIMEOUT_S + 15) * 1000);
      return port;
    } catch (err) {
      const tail = logTail(log);
      if (attempt < 3 && /could not bind|already in use/i.test(tail)) continue;
      throw new Error(`PostgreSQL did not start: ${errorText(err)}\n--- server log (tail) ---\n${tail}`);
    }
  }
}

/**
 * Registers beforeAll/afterAll that start one cluster for the calling test file and stop it after;
 * returns a getter for it (valid inside tests and later hooks).
 */
export function withPostgres(): () => TestPostgres {
  if (vitest === undefined) throw new Error('withPostgres() registers vitest hooks: call it from a test file');
  const { afterAll, beforeAll } = vitest;
  let instance: TestPostgres | undefined;
  // initdb plus start-up can take tens of seconds on a loaded machine: wider than hookTimeout.
  beforeAll(async () => {
    instance = await startPostgres();
  }, 180_000);
  afterAll(async () => {
    await instance?.stop();
  }, 60_000);
  return () => {
    if (instance === undefined) throw new Error('withPostgres(): the cluster is not started (use it inside a test or hook)');
    return instance;
  };
}

/** The newest installed server's bin directory (Debian: `/usr/lib/postgresql/<major>/bin`), else `pg_config --bindir`. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const bin = join(root, major, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  try {
    const bin = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', timeout: 5_000 }).trim();
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  } catch {
    // No pg_config either: fall through to the install hint.
  }
  throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found: run test/setup/install-tools.sh (package postgresql)');
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([
    execFileBounded('id', ['-u', 'postgres'], tmpdir(), 5_000),
    execFileBounded('id', ['-g', 'postgres'], tmpdir(), 5_000),
  ]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Creates an empty database with a random name on the cluster `clusterUrl` names; resolves with its URL. */
export async function createDatabaseOn(clusterUrl: string): Promise<string> {
  const name = `deskprov_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A TCP port nothing listens on right now (the OS picks it for a throwaway listener). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

function execFileBounded(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed (${err.message.split('\n')[0]}): ${stderr || stdout}`));
      else resolve({ stdout, stderr });
    });
  });
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '(no server log)';
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
