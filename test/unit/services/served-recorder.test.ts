import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServedRecorder, type PendingServed } from '../../../server/services/served-recorder.ts';
import type { ServedRecord } from '../../../server/store/phone-read-repo.ts';
import type { DiscoveredInput } from '../../../server/services/device-service.ts';

function item(deviceId: string, file: string, revision = 'r1'): PendingServed {
  return {
    deviceId,
    file,
    revision,
    etag: `"${revision}"`,
    maskedBody: () => Buffer.from(`body ${revision}`),
    at: '2026-01-01T00:00:00.000Z',
    ip: '10.0.0.5',
    userAgent: 'ua',
    firmware: null,
    transport: 'http',
    configRevision: 1,
  };
}

function sinks() {
  const batches: ServedRecord[][] = [];
  const discovered: DiscoveredInput[] = [];
  const errors: unknown[] = [];
  return {
    batches,
    discovered,
    errors,
    sinks: {
      recordServed: (batch: readonly ServedRecord[]) => void batches.push([...batch]),
      recordDiscovered: (input: DiscoveredInput) => void discovered.push(input),
      onError: (err: unknown) => void errors.push(err),
    },
  };
}

describe('served recorder', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes nothing while the phone waits, then one batch after the flush delay', () => {
    const s = sinks();
    const recorder = new ServedRecorder(s.sinks, { flushMs: 250 });
    recorder.served(item('d1', 'a.cfg'));
    recorder.served(item('d2', 'a.cfg'));
    expect(s.batches).toHaveLength(0);
    vi.advanceTimersByTime(250);
    expect(s.batches).toHaveLength(1);
    expect(s.batches[0]?.map((b) => [b.deviceId, b.maskedBody().toString()])).toEqual([
      ['d1', 'body r1'],
      ['d2', 'body r1'],
    ]);
  });

  it('keeps only the latest fetch of one device file within a batch', () => {
    const s = sinks();
    const recorder = new ServedRecorder(s.sinks);
    recorder.served(item('d1', 'a.cfg', 'r1'));
    recorder.served(item('d1', 'a.cfg', 'r2'));
    recorder.flush();
    expect(s.batches[0]?.map((b) => b.revision)).toEqual(['r2']);
  });

  it('flushes at once when the batch is full and drops the oldest past the pending bound', () => {
    const s = sinks();
    const full = new ServedRecorder(s.sinks, { maxBatch: 3 });
    for (let i = 0; i < 3; i++) full.served(item(`d${i}`, 'a.cfg'));
    expect(s.batches).toHaveLength(1);
    const bounded = new ServedRecorder(s.sinks, { maxBatch: 1_000, maxPending: 2 });
    for (let i = 0; i < 5; i++) bounded.served(item(`e${i}`, 'a.cfg'));
    expect(bounded.dropped).toBe(3);
    bounded.flush();
    expect(s.batches[1]?.map((b) => b.deviceId)).toEqual(['e3', 'e4']);
  });

  it('reports sink failures instead of throwing and still records discovered devices', () => {
    const s = sinks();
    const recorder = new ServedRecorder({ ...s.sinks, recordServed: () => { throw new Error('disk full'); } });
    recorder.served(item('d1', 'a.cfg'));
    recorder.discovered({ mac: '0015651234ab', modelId: 'yealink/t54w', ip: '10.0.0.5', ua: null, firmware: null, now: new Date(0) });
    expect(() => recorder.flush()).not.toThrow();
    expect(s.errors).toHaveLength(1);
    expect(s.discovered.map((d) => d.mac)).toEqual(['0015651234ab']);
    expect(recorder.pending).toBe(0);
  });
});
