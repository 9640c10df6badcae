import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentReport } from '../../server/domain/e911-evidence.ts';

/**
 * The agent's REGISTER probe against sipp playing a registrar on 127.0.0.1: sipp challenges
 * with digest, checks the answer itself (verifyauth) and lists a binding only when it is right.
 */

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/deskprov-agent.mjs', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../fixtures/sipp/registrar-bindings.xml', import.meta.url));
const PASSWORD = 'line-201-secret-pw';

let sipp: ChildProcess | null = null;

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function startRegistrar(): Promise<number> {
  const port = await freeUdpPort();
  sipp = spawn('sipp', ['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-nostdin', '-set', 'pw', PASSWORD, '-timeout', '20s'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // sipp prints no ready line with -nostdin: wait until its UDP socket is bound (bounded).
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const { stdout } = await run('ss', ['-Hlun', 'sport', '=', `:${port}`]);
    if (stdout.trim() !== '') return port;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`sipp did not bind UDP ${port} within 5 s`);
}

afterEach(async () => {
  if (sipp !== null && sipp.exitCode === null && sipp.signalCode === null) {
    const exited = new Promise((r) => sipp!.once('exit', r));
    sipp.kill('SIGTERM');
    await exited;
  }
  sipp = null;
});

async function probe(port: number, password: string): Promise<{ report: AgentReport; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, [
    BIN, '--print', '--interface', 'lo', '--sip-aor', 'sip:201@deskprov.test', '--sip-registrar', `127.0.0.1:${port}`, '--log', 'debug',
  ], { env: { ...process.env, DESKPROV_SIP_PASSWORD: password }, timeout: 20_000 });
  return { report: JSON.parse(stdout) as AgentReport, stderr };
}

describe('agent SIP registration probe', () => {
  it('reports the line registered when the registrar lists a binding after a digest challenge', async () => {
    const port = await startRegistrar();
    const { report, stderr } = await probe(port, PASSWORD);
    expect(report.sip).toEqual({ registered: true, registrar: `127.0.0.1:${port}` });
    expect(stderr).not.toContain(PASSWORD);
  }, 30_000);

  it('reports the registrar\'s refusal when the password is wrong', async () => {
    const port = await startRegistrar();
    const { report } = await probe(port, 'not-the-password');
    expect(report.sip).toEqual({ registered: false, registrar: `127.0.0.1:${port}`, lastError: 'registrar answered 403 Forbidden' });
  }, 30_000);
});
