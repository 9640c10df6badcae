import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firmwareStore, type FirmwareProblem } from '../../../server/io/firmware-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-fw-integrity-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const image = Buffer.alloc(10_000, 3);

function storeWithLog() {
  const problems: Array<[string, string, FirmwareProblem]> = [];
  const store = firmwareStore(dir, { onProblem: (vendor, file, problem) => problems.push([vendor, file, problem]) });
  return { store, problems };
}

describe('firmware integrity', () => {
  it('finds images whose bytes match the hash recorded at upload, at start and afterwards', async () => {
    const { store } = storeWithLog();
    await store.save('yealink', 'a.rom', Readable.from([image]), { sha256: sha(image), maxBytes: 20_000 });
    const restarted = storeWithLog();
    expect(await restarted.store.verifyAll()).toEqual([]);
    expect(await restarted.store.find('yealink', 'a.rom')).not.toBeNull();
    expect(restarted.problems).toEqual([]);
  });

  it('reports a corrupted image at start and never finds it', async () => {
    const { store } = storeWithLog();
    await store.save('yealink', 'a.rom', Readable.from([image]), { sha256: sha(image), maxBytes: 20_000 });
    writeFileSync(join(dir, 'yealink', 'a.rom'), Buffer.alloc(10_000, 4));
    const restarted = storeWithLog();
    expect(await restarted.store.verifyAll()).toEqual([{ vendor: 'yealink', file: 'a.rom', problem: 'corrupt' }]);
    expect(await restarted.store.find('yealink', 'a.rom')).toBeNull();
    expect(restarted.problems).toEqual([['yealink', 'a.rom', 'corrupt']]);
  });

  it('notices an image changed on disk after start before serving it again', async () => {
    const { store, problems } = storeWithLog();
    await store.save('yealink', 'a.rom', Readable.from([image]), { sha256: sha(image), maxBytes: 20_000 });
    expect(await store.find('yealink', 'a.rom')).not.toBeNull();
    writeFileSync(join(dir, 'yealink', 'a.rom'), Buffer.concat([image, Buffer.from('x')]));
    expect(await store.find('yealink', 'a.rom')).toBeNull();
    expect(problems).toEqual([['yealink', 'a.rom', 'corrupt']]);
  });

  it('refuses an image put there without an upload (no recorded hash) and names a recorded image that is gone', async () => {
    const { store } = storeWithLog();
    await store.save('poly', 'sip.ld', Readable.from([image]), { sha256: sha(image), maxBytes: 20_000 });
    unlinkSync(join(dir, 'poly', 'sip.ld'));
    mkdirSync(join(dir, 'yealink'), { recursive: true });
    writeFileSync(join(dir, 'yealink', 'copied.rom'), image);
    const restarted = storeWithLog();
    const problems = await restarted.store.verifyAll();
    expect(problems).toEqual(
      expect.arrayContaining([
        { vendor: 'yealink', file: 'copied.rom', problem: 'unverified' },
        { vendor: 'poly', file: 'sip.ld', problem: 'missing' },
      ]),
    );
    expect(problems).toHaveLength(2);
    expect(await restarted.store.find('yealink', 'copied.rom')).toBeNull();
  });

  it('never answers for the recorded hashes themselves', async () => {
    const { store } = storeWithLog();
    await store.save('yealink', 'a.rom', Readable.from([image]), { sha256: sha(image), maxBytes: 20_000 });
    expect(await store.find('.sha256', 'a.rom')).toBeNull();
  });
});
