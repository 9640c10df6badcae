import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAC, startSecureServer, uaFor, type Answer, type SecureServer } from './helpers/secure-server.ts';
import { mannWhitneyZ, median } from './helpers/rank-test.ts';

/**
 * E911-SECURITY §2.5 item 4: unknown MAC vs known MAC without credentials → identical status,
 * size and timing (the WHY2025 MAC-enumeration CVE). Timing: 1,000 requests of each kind over
 * real HTTP on loopback, interleaved so machine load hits both alike, compared by rank.
 */

const SAMPLES = 1_000;
const WORKERS = 8;

let s: SecureServer;
beforeEach(async () => {
  // No ban: this test is one source making 2,000 misses on purpose.
  s = await startSecureServer({ ban: { maxMisses: 1_000_000 } });
  await s.prestage();
  await s.claim();
});
afterEach(async () => {
  await s.close();
});

function shape(a: Answer) {
  return {
    status: a.status,
    size: a.body.length,
    body: a.body.toString(),
    headers: [...a.headers.entries()]
      .filter(([k]) => k !== 'date')
      .map(([k, v]) => [k, k === 'www-authenticate' ? v.replace(/nonce="[^"]+"/g, 'nonce=""').length : v]),
  };
}

let counter = 0;
function unknownMac(): string {
  counter += 1;
  return `44dbd2${(0x800000 + counter).toString(16)}`;
}

async function timed(name: string, ua: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${s.server.root}${name}`, { headers: { 'user-agent': ua } });
  await res.arrayBuffer();
  expect(res.status).toBe(401);
  return performance.now() - started;
}

describe('item 4: no enumeration oracle', () => {
  it('answers an unknown MAC and a known MAC without credentials with the same status, headers, body and size', async () => {
    const mac = unknownMac();
    const unknown = await s.get(`${mac}.cfg`, { 'user-agent': uaFor(mac) });
    const known = await s.get(`${MAC}.cfg`);
    expect(unknown.status).toBe(401);
    expect(shape(known)).toEqual(shape(unknown));
  });

  it('takes statistically indistinguishable time for both over 1,000 requests each', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    // Warm both paths (JIT, statement cache, render cache) before measuring.
    for (let i = 0; i < 50; i++) {
      const mac = unknownMac();
      await timed(`${MAC}.cfg`, uaFor(MAC));
      await timed(`${mac}.cfg`, uaFor(mac));
    }
    let left = SAMPLES;
    const worker = async (id: number) => {
      while (left > 0) {
        left -= 1;
        // Alternate which kind goes first so neither always follows the other.
        const order = (left + id) % 2 === 0;
        const mac = unknownMac();
        const runKnown = async () => known.push(await timed(`${MAC}.cfg`, uaFor(MAC)));
        const runUnknown = async () => unknown.push(await timed(`${mac}.cfg`, uaFor(mac)));
        if (order) await runKnown().then(runUnknown);
        else await runUnknown().then(runKnown);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i)));
    expect(known.length).toBeGreaterThanOrEqual(SAMPLES);
    expect(unknown.length).toBeGreaterThanOrEqual(SAMPLES);

    const z = mannWhitneyZ(known, unknown);
    const gap = Math.abs(median(known) - median(unknown));
    console.info(
      `item 4 timing: known median ${median(known).toFixed(2)} ms, unknown median ${median(unknown).toFixed(2)} ms, ` +
        `Mann-Whitney z ${z.toFixed(2)} over ${known.length} + ${unknown.length}`,
    );
    // p < 0.0001 two-sided; and the medians within 0.5 ms or 10 % (a loaded machine stretches both).
    expect(Math.abs(z)).toBeLessThan(3.9);
    expect(gap).toBeLessThan(Math.max(0.5, 0.1 * median(unknown)));

    // Every refusal is held to the floor (8 ms after arrival), whatever work it took: no fast path.
    expect(Math.min(...known, ...unknown)).toBeGreaterThanOrEqual(8);

    // The same test does tell apart answers that differ: a served shared file against a refusal.
    const served: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      await (await fetch(`${s.server.root}y000000000000.boot`, { headers: { 'user-agent': uaFor(MAC) } })).arrayBuffer();
      served.push(performance.now() - started);
    }
    expect(Math.abs(mannWhitneyZ(served, known.slice(0, 200)))).toBeGreaterThan(3.9);
  }, 120_000);
});
