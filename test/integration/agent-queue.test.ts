import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportQueue } from '../../agent/report-queue.ts';
import { flushQueue, type PostReport } from '../../agent/reporter.ts';
import type { AgentReport } from '../../server/domain/e911-evidence.ts';

const report = (n: number): AgentReport => ({ id: `r-${n}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), configRevision: String(n) });
const quiet = { warn: () => undefined };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deskprov-agent-queue-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ReportQueue on disk', () => {
  it('keeps reports in the order they were queued, one whole file each', async () => {
    const q = new ReportQueue(dir);
    await q.init();
    for (let i = 1; i <= 12; i += 1) await q.enqueue(report(i));
    const names = await q.names();
    expect(names).toHaveLength(12);
    const ids = await Promise.all(names.map(async (n) => (JSON.parse(await readFile(join(dir, n), 'utf8')) as AgentReport).id));
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `r-${i + 1}`));
    expect((await readdir(dir)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('continues after a restart: numbering goes on after the last file and half-written temp files are dropped', async () => {
    const first = new ReportQueue(dir);
    await first.init();
    await first.enqueue(report(1));
    await first.enqueue(report(2));
    await writeFile(join(dir, '.tmp-000000000003.json'), '{"id":"r-3","at":');
    const second = new ReportQueue(dir);
    await second.init();
    await second.enqueue(report(4));
    expect(await readdir(dir)).toEqual(['000000000001.json', '000000000002.json', '000000000003.json']);
    expect((await second.head())?.report.id).toBe('r-1');
  });

  it('parks a damaged file in rejected/ instead of blocking the queue', async () => {
    await writeFile(join(dir, '000000000001.json'), 'not json');
    const q = new ReportQueue(dir);
    await q.init();
    await q.enqueue(report(2));
    expect((await q.head())?.report.id).toBe('r-2');
    expect(await readdir(join(dir, 'rejected'))).toEqual(['000000000001.json']);
  });
});

describe('flushQueue', () => {
  it('sends oldest first and removes a report only once the server took it (2xx or 409 duplicate)', async () => {
    const q = new ReportQueue(dir);
    await q.init();
    for (let i = 1; i <= 5; i += 1) await q.enqueue(report(i));
    const seen: string[] = [];
    const answers = [202, 409, 503];
    const post: PostReport = async (r) => {
      seen.push(r.id);
      return answers.shift() ?? 202;
    };
    const first = await flushQueue(q, post, quiet);
    expect(first).toMatchObject({ delivered: 2, blocked: true, reason: 'server answered 503' });
    expect(await q.size()).toBe(3);
    const second = await flushQueue(q, post, quiet);
    expect(second).toMatchObject({ delivered: 3, blocked: false });
    expect(seen).toEqual(['r-1', 'r-2', 'r-3', 'r-3', 'r-4', 'r-5']);
    expect(await q.size()).toBe(0);
  });

  it('keeps everything queued while the server is unreachable', async () => {
    const q = new ReportQueue(dir);
    await q.init();
    await q.enqueue(report(1));
    const result = await flushQueue(q, async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:9');
    }, quiet);
    expect(result.blocked).toBe(true);
    expect(result.reason).toMatch(/ECONNREFUSED/);
    expect(await q.size()).toBe(1);
  });

  it('parks a report the server refuses for good and carries on with the next', async () => {
    const q = new ReportQueue(dir);
    await q.init();
    await q.enqueue(report(1));
    await q.enqueue(report(2));
    const warnings: object[] = [];
    const result = await flushQueue(q, async (r) => (r.id === 'r-1' ? 422 : 202), { warn: (o) => warnings.push(o) });
    expect(result).toMatchObject({ delivered: 1, rejected: 1, blocked: false });
    expect(await readdir(join(dir, 'rejected'))).toEqual(['000000000001.json']);
    expect(warnings).toEqual([{ report: 'r-1', status: 422 }]);
  });
});
