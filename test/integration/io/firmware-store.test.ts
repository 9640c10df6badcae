import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firmwareStore } from '../../../server/io/firmware-store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-fw-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('firmware store', () => {
  it('keeps a streamed image whose hash matches and reads ranges of it', async () => {
    const store = firmwareStore(dir);
    const image = Buffer.from('0123456789'.repeat(1000));
    const saved = await store.save('yealink', 'T54W-96.86.0.70.rom', Readable.from([image.subarray(0, 4000), image.subarray(4000)]), { sha256: sha(image), maxBytes: 20_000 });
    expect(saved).toEqual({ size: image.length, sha256: sha(image), replaced: false });
    const found = await store.find('yealink', 'T54W-96.86.0.70.rom');
    expect(found?.size).toBe(image.length);
    expect(await text(store.read(found!, { start: 10, end: 19 }))).toBe('0123456789');
    const again = await store.save('yealink', 'T54W-96.86.0.70.rom', Readable.from([image]), { sha256: sha(image), maxBytes: 20_000 });
    expect(again.replaced).toBe(true);
  });

  it('removes the partial file when the hash differs or the cap is passed', async () => {
    const store = firmwareStore(dir);
    const image = Buffer.alloc(5000, 1);
    await expect(store.save('poly', 'sip.ld', Readable.from([image]), { sha256: '0'.repeat(64), maxBytes: 10_000 })).rejects.toMatchObject({ code: 'RULE_VIOLATION' });
    await expect(store.save('poly', 'sip.ld', Readable.from([image]), { sha256: sha(image), maxBytes: 4_999 })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(readdirSync(join(dir, 'poly'))).toEqual([]);
    expect(await store.find('poly', 'sip.ld')).toBeNull();
  });

  it('refuses names that could leave its folder', async () => {
    const store = firmwareStore(dir);
    for (const [vendor, file] of [['..', 'x'], ['poly', '..'], ['poly', 'a/b'], ['poly', '.hidden'], ['', 'x']] as const) {
      expect(store.locate(vendor, file)).toBeNull();
      expect(await store.find(vendor, file)).toBeNull();
    }
    await expect(store.save('..', 'x', Readable.from([Buffer.from('x')]), { sha256: '0'.repeat(64), maxBytes: 10 })).rejects.toMatchObject({ code: 'INVALID_FIELD' });
  });
});
