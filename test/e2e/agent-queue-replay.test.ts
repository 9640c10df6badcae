import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReportRecorder, type ReportRecorder } from '../helpers/agent-report-recorder.ts';

const BIN = new URL('../../bin/deskprov-agent.mjs', import.meta.url).pathname;
const TOKEN = 'test-device-token-0123456789';
const CHANGES = 100;

async function until(what: string, test: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe('agent against a server that goes away', () => {
  let dir: string;
  let recorder: ReportRecorder;
  let agent: ChildProcess;
  let stderr = '';

  /** Replaces the SIP status file whole (rename), so the agent never reads half of it. */
  async function setStatus(lastError: string): Promise<void> {
    const tmp = join(dir, 'sip.json.tmp');
    await writeFile(tmp, JSON.stringify({ registered: true, registrar: '127.0.0.1', lastError }));
    await rename(tmp, join(dir, 'sip.json'));
  }
  const queued = async () => (await readdir(join(dir, 'queue'))).filter((n) => /^\d+\.json$/.test(n)).length;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deskprov-agent-e2e-'));
    recorder = await startReportRecorder();
    await setStatus('change-0');
    agent = spawn(
      process.execPath,
      [BIN, '--server', recorder.url(), '--interface', 'lo', '--queue-dir', join(dir, 'queue'), '--sip-status', join(dir, 'sip.json'),
        '--poll', '0.02', '--heartbeat', '3600', '--retry-max', '0.3', '--mac', '00:15:65:aa:bb:cc', '--log', 'warn'],
      { env: { ...process.env, DESKPROV_AGENT_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    agent.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-8000);
    });
  });

  afterAll(async () => {
    if (agent.exitCode === null) {
      const exited = new Promise((r) => agent.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    await recorder.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('queues 100 changes while the server is down and delivers each once, in order, after it returns', async () => {
    await until('the first report to be delivered', async () => recorder.arrivals.length >= 1 && (await queued()) === 0, 15_000);
    expect(recorder.arrivals[0]?.sip?.lastError).toBe('change-0');
    expect(recorder.authorizations[0]).toBe(`Bearer ${TOKEN}`);

    await recorder.stop();
    const downAt = Date.now();
    for (let i = 1; i <= CHANGES; i += 1) {
      await setStatus(`change-${i}`);
      await until(`change ${i} to be queued`, async () => (await queued()) >= i, 10_000);
    }
    const queueMs = Date.now() - downAt;
    expect(recorder.arrivals).toHaveLength(1);

    const upAt = Date.now();
    await recorder.start();
    await until('all queued reports to arrive', async () => recorder.arrivals.length >= CHANGES + 1 && (await queued()) === 0, 30_000);
    const drainMs = Date.now() - upAt;

    const changes = recorder.arrivals.map((r) => r.sip?.lastError);
    expect(changes).toEqual(Array.from({ length: CHANGES + 1 }, (_, i) => `change-${i}`));
    const ids = recorder.arrivals.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(recorder.arrivals.every((r) => r.mac === '001565aabbcc')).toBe(true);
    expect(stderr).not.toContain(TOKEN);
    // Figures for the report: how long queueing and the replay took.
    console.log(`agent e2e: queued ${CHANGES} changes in ${queueMs} ms; replayed in ${drainMs} ms after restart`);
  }, 90_000);
});
