import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFileJsonSchema } from '../../server/config-file.ts';
import { runCli } from '../../server/cli/main.ts';
import { startServerProcess, type ServerProcess } from '../setup/server-process.ts';

const SCHEMA = join(import.meta.dirname, '..', '..', 'docs', 'deskprov.schema.json');
let dir: string | undefined;
let running: ServerProcess | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null) await running.stop('SIGKILL');
  running = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** `deskprov <args>` in this process (no child start-up), output captured. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io = { stdout: () => undefined, stderr: (text: string) => void (stderr += text), isTty: false, env: {} };
  const code = await runCli(['node', 'deskprov', ...args], io);
  return { code, stderr };
}

function configFile(value: unknown): string {
  dir ??= mkdtempSync(join(tmpdir(), 'deskprov-config-'));
  const path = join(dir, 'deskprov.json');
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

describe('deskprov serve --config', () => {
  it('publishes the JSON Schema the file is checked against (docs/deskprov.schema.json is up to date)', () => {
    expect(readFileSync(SCHEMA, 'utf8')).toBe(configFileJsonSchema());
  });

  it('exits with code 2 naming the unknown key and the bad value, without a stack trace', async () => {
    const path = configFile({ http: '127.0.0.1:0', tftpPort: 69, limits: { requestTimeoutMs: -1 } });
    const run = await cli(['serve', '--config', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error: ${path}: unknown key "tftpPort"`);
    expect(run.stderr).toContain(`error: ${path}: "limits.requestTimeoutMs": `);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits with code 2 when the file cannot be read', async () => {
    const run = await cli(['serve', '--config', join(tmpdir(), 'deskprov-no-such-dir', 'deskprov.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error: --config: cannot read .*deskprov\.json \(ENOENT\)/);
  });

  it('serves with the file settings, a flag winning over the file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'deskprov-config-'));
    const path = configFile({ data: join(dir, 'state'), http: '127.0.0.1:1', tftp: 'off', log: 'warn' });
    running = await startServerProcess(['--config', path, '--http', '127.0.0.1:0']);
    expect(new URL(running.url).port).not.toBe('1');
    expect(running.stderr()).toMatch(/ {2}TFTP: +off\n/);
    expect(await (await fetch(`${running.url}healthz`)).json()).toEqual({ status: 'ok' });
    expect(await running.stop('SIGTERM')).toBe(0);
    expect(readFileSync(join(dir, 'state', 'deskprov.db')).length).toBeGreaterThan(0);
    // log "warn" from the file: the info-level start line is not written.
    expect(running.stdout()).not.toContain('deskprov started');
  });
});
