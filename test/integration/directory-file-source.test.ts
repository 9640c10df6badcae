import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDirectoryFileSource } from '../../server/tftp/directory-file-source.ts';
import type { TftpFile } from '../../server/tftp/tftp-file-source.ts';

/** Large buffers compare by digest: a deep equal walks them byte by byte, which takes seconds. */
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const client = { address: '127.0.0.1', port: 40000 };
let base: string;
let root: string;
const firmware = randomBytes(300_000);

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'deskprov-dirsource-'));
  root = path.join(base, 'root');
  await mkdir(path.join(root, 'firmware'), { recursive: true });
  await writeFile(path.join(root, 'firmware', 'T54W.rom'), firmware);
  await writeFile(path.join(base, 'outside.txt'), 'secret outside the root');
  await symlink(path.join(base, 'outside.txt'), path.join(root, 'escape.txt'));
  await symlink(path.join(root, 'firmware', 'T54W.rom'), path.join(root, 'latest.rom'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function readAll(file: TftpFile): Promise<Buffer> {
  if (file.kind !== 'reader') throw new Error(`expected a reader, got ${file.kind}`);
  const parts: Buffer[] = [];
  for (let offset = 0; offset < file.size; offset += 65536) parts.push(await file.read(offset, 65536));
  await file.close?.();
  return Buffer.concat(parts);
}

describe('createDirectoryFileSource', () => {
  it('streams a file below the root in the slices asked for', async () => {
    const file = await createDirectoryFileSource(root).open('firmware/T54W.rom', client);
    expect(file).toMatchObject({ kind: 'reader', size: firmware.length });
    if (file.kind !== 'reader') return;
    expect(await file.read(1000, 10)).toEqual(firmware.subarray(1000, 1010));
    expect(sha(await readAll(file))).toBe(sha(firmware));
  });

  it('follows a symlink that stays inside the root', async () => {
    expect(sha(await readAll(await createDirectoryFileSource(root).open('latest.rom', client)))).toBe(sha(firmware));
  });

  it('refuses a symlink that leads out of the root', async () => {
    expect(await createDirectoryFileSource(root).open('escape.txt', client)).toEqual({ kind: 'error', code: 'FORBIDDEN' });
  });

  it('answers NOT_FOUND for a missing file and for a directory', async () => {
    const source = createDirectoryFileSource(root);
    expect(await source.open('missing.cfg', client)).toEqual({ kind: 'error', code: 'NOT_FOUND' });
    expect(await source.open('firmware', client)).toEqual({ kind: 'error', code: 'NOT_FOUND' });
  });

  it('refuses traversal names on its own, before touching the disk', async () => {
    const source = createDirectoryFileSource(root);
    for (const name of ['../outside.txt', '/etc/passwd', '..\\outside.txt']) {
      expect(await source.open(name, client), name).toEqual({ kind: 'error', code: 'INVALID_FILE_NAME' });
    }
  });

  it('works when the root itself is reached through a symlink', async () => {
    const link = path.join(base, 'root-link');
    await symlink(root, link);
    expect(sha(await readAll(await createDirectoryFileSource(link).open('firmware/T54W.rom', client)))).toBe(sha(firmware));
  });
});
