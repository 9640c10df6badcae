// The PostgreSQL connections of this process, in a worker thread: `pg` is asynchronous and the
// repositories are synchronous, so the main thread waits here through synckit (postgres-client.ts).
// Plain JavaScript because the worker starts without the main thread's TypeScript loader.
import { runAsWorker } from 'synckit';
import pg from 'pg';

// int8 (count(*), BIGINT columns) and numeric arrive as strings by default; every such value in
// this schema fits a double, as it does in SQLite.
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);
// The repositories read SQLite's types, which has no booleans: EXISTS (…) answers 1 or 0 there.
pg.types.setTypeParser(16, (text) => (text === 't' ? 1 : 0));

/** @type {Map<number, { url: string, options: object, client: pg.Client | null }>} */
const connections = new Map();
let nextId = 1;

async function connect(entry) {
  const client = new pg.Client({ connectionString: entry.url, ...entry.options });
  // A dropped connection must not take the worker down; the next query opens a new one.
  client.on('error', () => {
    if (entry.client === client) entry.client = null;
  });
  client.on('end', () => {
    if (entry.client === client) entry.client = null;
  });
  await client.connect();
  entry.client = client;
  return client;
}

function failure(err) {
  return { error: { message: err instanceof Error ? err.message : String(err), code: err?.code ?? null } };
}

const ops = {
  async open(url, options) {
    const entry = { url, options, client: null };
    await connect(entry);
    const id = nextId++;
    connections.set(id, entry);
    return { id };
  },
  async query(id, text, values, name, inTransaction) {
    const entry = connections.get(id);
    if (entry === undefined) throw Object.assign(new Error('database connection is not open'), { code: 'DESKPROV_CLOSED' });
    // A transaction lives on one connection: its rest must not run on a new one.
    if (entry.client === null && inTransaction) {
      throw Object.assign(new Error('the connection to the database was lost'), { code: '08003' });
    }
    const client = entry.client ?? (await connect(entry));
    // Without values pg uses the simple protocol, which takes several statements (exec).
    const result = await client.query(values === null ? text : { text, values, ...(name === null ? {} : { name }) });
    // A multi-statement text (exec) answers with one result per statement.
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
  },
  async close(id) {
    const entry = connections.get(id);
    connections.delete(id);
    await entry?.client?.end().catch(() => {});
    return {};
  },
};

runAsWorker(async (op, ...args) => {
  try {
    return { ok: await ops[op](...args) };
  } catch (err) {
    return failure(err);
  }
});
