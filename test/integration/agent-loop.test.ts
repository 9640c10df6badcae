import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAgentLoop } from '../../agent/agent-loop.ts';
import { gatherSnapshot, type Snapshot } from '../../agent/evidence.ts';
import { runAgent } from '../../agent/main.ts';
import { ReportQueue } from '../../agent/report-queue.ts';
import { httpPoster } from '../../agent/reporter.ts';
import { runCommand, type Runner } from '../../agent/run-command.ts';
import { readSipStatus } from '../../agent/sip-status.ts';
import { startReportRecorder, type ReportRecorder } from '../helpers/agent-report-recorder.ts';

let dir: string;
let recorder: ReportRecorder | null = null;
const quiet = { warn: () => undefined, info: () => undefined };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskprov-agent-loop-'));
});
afterEach(async () => {
  await recorder?.stop().catch(() => undefined);
  recorder = null;
  await rm(dir, { recursive: true, force: true });
});

async function until(test: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('runAgentLoop', () => {
  it('sends changes at once, heartbeats when nothing changes, and replays what queued while the server was away', async () => {
    recorder = await startReportRecorder();
    const queue = new ReportQueue(join(dir, 'q'));
    await queue.init();
    let snap: Snapshot = { sip: { registered: true } };
    let ids = 0;
    const stop = new AbortController();
    const loop = runAgentLoop(
      {
        queue,
        post: httpPoster(recorder.url(), 'tok'),
        gather: async () => snap,
        log: quiet,
        pollMs: 5,
        heartbeatMs: 200,
        retryBaseMs: 10,
        retryMaxMs: 40,
        newId: () => `id-${(ids += 1)}`,
      },
      stop.signal,
    );
    await until(() => recorder!.arrivals.length >= 2);
    // Nothing changed between the first two: the second is the heartbeat.
    expect(recorder.arrivals.slice(0, 2).map((r) => r.sip?.registered)).toEqual([true, true]);
    await recorder.stop();
    snap = { sip: { registered: false, lastError: 'timeout' } };
    await until(async () => (await queue.size()) === 1);
    const before = recorder.arrivals.length;
    await recorder.start();
    await until(() => recorder!.arrivals.some((r) => r.sip?.registered === false));
    stop.abort();
    await loop;
    const arrived = recorder.arrivals.slice(before);
    expect(arrived[0]?.sip).toEqual({ registered: false, lastError: 'timeout' });
    expect(new Set(recorder.arrivals.map((r) => r.id)).size).toBe(recorder.arrivals.length);
    expect(recorder.authorizations.every((a) => a === 'Bearer tok')).toBe(true);
  });
});

describe('runCommand', () => {
  it('returns the output of a program', async () => {
    expect(await runCommand(process.execPath, ['-e', 'process.stdout.write("ok")'])).toEqual({ ok: true, stdout: 'ok' });
  });
  it('says when a program is missing, too talkative, too slow or failing', async () => {
    expect(await runCommand('deskprov-no-such-tool', [])).toEqual({ ok: false, reason: 'deskprov-no-such-tool is not installed' });
    const big = await runCommand(process.execPath, ['-e', 'process.stdout.write("x".repeat(5000))'], { maxBytes: 100 });
    expect(big).toMatchObject({ ok: false, reason: expect.stringMatching(/more than 100 bytes/) });
    const slow = await runCommand(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { timeoutMs: 200 });
    expect(slow).toMatchObject({ ok: false, reason: expect.stringMatching(/timed out/) });
    const failing = await runCommand(process.execPath, ['-e', 'process.exit(3)']);
    expect(failing).toMatchObject({ ok: false, reason: expect.stringMatching(/failed/) });
  });
});

describe('gatherSnapshot and the SIP status source', () => {
  it('puts together every source and reports problems instead of throwing', async () => {
    await writeFile(join(dir, 'sip.json'), '{"registered":true,"registrar":"pbx"}');
    const problems: string[] = [];
    const run: Runner = async (cmd) => ({ ok: false, reason: `${cmd} is not installed` });
    const snap = await gatherSnapshot({
      run, interface: 'lo', sipStatus: join(dir, 'sip.json'), firmware: '86.1', configRevision: '3', mac: '001565aabbcc',
      onProblem: (source, message) => problems.push(`${source}: ${message}`),
    });
    expect(snap).toEqual({ mac: '001565aabbcc', firmware: '86.1', configRevision: '3', sip: { registered: true, registrar: 'pbx' }, network: {} });
    expect(problems).toEqual(['lldp: lldpcli is not installed']);
  });

  it('reads the SIP state from a URL and explains a bad source', async () => {
    recorder = await startReportRecorder();
    expect(await readSipStatus(`${recorder.url()}/nope`)).toEqual({ error: 'SIP status source answered 404' });
    expect(await readSipStatus(join(dir, 'missing.json'))).toMatchObject({ error: expect.stringMatching(/cannot read/) });
    await writeFile(join(dir, 'bad.json'), '{"up":1}');
    expect(await readSipStatus(join(dir, 'bad.json'))).toMatchObject({ error: expect.stringMatching(/not \{"registered"/) });
  });
});

describe('runAgent', () => {
  it('prints one report with --print', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await runAgent(['node', 'deskprov-agent', '--print', '--interface', 'lo', '--firmware', '1.2', '--log', 'silent'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(JSON.parse(out.join(''))).toMatchObject({ id: expect.any(String), firmware: '1.2', network: {} });
  });

  it('exits 2 on bad usage or a missing token, and 1 when --once could not deliver (the report stays queued)', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = process.env.DESKPROV_AGENT_TOKEN;
    delete process.env.DESKPROV_AGENT_TOKEN;
    try {
      expect(await runAgent(['node', 'a', '--mac', 'nonsense'])).toBe(2);
      expect(await runAgent(['node', 'a', '--once', '--server', 'http://127.0.0.1:9', '--log', 'silent'])).toBe(2);
      const queueDir = join(dir, 'queue');
      expect(await runAgent(['node', 'a', '--once', '--server', 'http://127.0.0.1:9', '--token', 't', '--interface', 'lo', '--queue-dir', queueDir, '--log', 'silent'])).toBe(1);
      expect(await readdir(queueDir)).toEqual(['000000000001.json']);
    } finally {
      err.mockRestore();
      if (saved !== undefined) process.env.DESKPROV_AGENT_TOKEN = saved;
    }
  });
});
