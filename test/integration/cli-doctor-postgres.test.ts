import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli/main.ts';
import type { CliIo } from '../../server/cli/output.ts';
import type { Finding } from '../../server/doctor/doctor-checks.ts';
import { createLogger } from '../../server/logger.ts';
import { serve, type RunningServer } from '../../server/main.ts';
import { withPostgres } from '../setup/postgres.ts';
import { adminApi } from './helpers/admin-api.ts';
import { servedConfig } from './helpers/test-config.ts';

/**
 * `deskprov doctor` for an instance on a shared PostgreSQL (`DESKPROV_DB`): it checks that
 * PostgreSQL answers and holds deskprov's tables and reads the inventory from there, and it never
 * shows the URL's user or password.
 */
const ADMIN_TOKEN = 'cli-doctor-pg-admin-token-0123456789';
const cluster = withPostgres();
let dir: string;
let server: RunningServer;
let databaseUrl: string;

/** The database URL with a user and a password in it, as an operator's DESKPROV_DB would be. */
const withPassword = (url: string, password: string): string => {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
};

async function doctor(env: Record<string, string>, args: string[] = []): Promise<{ code: number; findings: Finding[]; stdout: string }> {
  let stdout = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: () => {}, isTty: false, env };
  const port = new URL(server.httpUrl).port;
  const code = await runCli(['node', 'deskprov', 'doctor', '--json', '--timeout', '3000', '--data', dir, '--http', `127.0.0.1:${port}`, '--tftp', 'off', ...args], io);
  return { code, findings: (JSON.parse(stdout) as { findings: Finding[] }).findings, stdout };
}

const finding = (findings: Finding[], check: string): Finding => findings.find((f) => f.check === check) as Finding;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-doctor-pg-'));
  databaseUrl = await cluster().newDatabase();
  server = await serve({ ...servedConfig(dir, ADMIN_TOKEN, { tftp: null }), databaseUrl }, { print: () => {}, logger: createLogger({ level: 'silent' }) });
  const site = await adminApi(server.httpUrl, ADMIN_TOKEN, 'POST', '/sites', {
    name: 'No networks yet',
    timezone: 'Europe/Berlin',
    networks: [],
    extensionRange: { first: 1000, last: 1999 },
    registrar: { host: 'pbx.example.net' },
  });
  expect(site.status).toBe(201);
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deskprov doctor on PostgreSQL', () => {
  it('says the shared database answers, reads the inventory from it, and never shows the password', async () => {
    const run = await doctor({ DESKPROV_DB: withPassword(databaseUrl, 'sekret-pw-123') });
    const db = finding(run.findings, 'database.integrity');
    expect(db.status).toBe('ok');
    expect(db.explanation).toMatch(/^PostgreSQL at postgresql:\/\/127\.0\.0\.1:\d+\/deskprov_test_[0-9a-f]+ answers/);
    // The site without networks is found in PostgreSQL (the data folder holds no SQLite file).
    expect(JSON.stringify(run.findings)).toContain('No networks yet');
    expect(run.stdout).not.toContain('sekret-pw-123');
    expect(run.stdout).not.toContain('deskprov:');
  });

  it('fails when PostgreSQL does not answer, and when the database holds no deskprov tables', async () => {
    const free = http.createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const down = await doctor({ DESKPROV_DB: `postgres://deskprov:sekret-pw-456@127.0.0.1:${port}/deskprov` });
    expect(down.code).toBe(1);
    expect(finding(down.findings, 'database.integrity')).toMatchObject({ status: 'fail', fix: expect.stringContaining('start PostgreSQL') });
    expect(down.stdout).not.toContain('sekret-pw-456');

    const empty = await doctor({ DESKPROV_DB: await cluster().newDatabase() });
    expect(empty.code).toBe(1);
    expect(finding(empty.findings, 'database.integrity').explanation).toContain('holds no deskprov tables');
    expect(finding(empty.findings, 'inventory').status).toBe('warn');
  });
});
