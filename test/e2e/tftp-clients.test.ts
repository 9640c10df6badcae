import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryFileSource } from '../../server/tftp/directory-file-source.ts';
import type { TftpFileSource } from '../../server/tftp/tftp-file-source.ts';
import { startTftpServer, type TftpServer } from '../../server/tftp/tftp-server.ts';

/**
 * Real clients against the server on 127.0.0.1: tftp-hpa's `tftp` (RFC 1350, no options, octet
 * and netascii) and curl's TFTP (tsize/blksize options, or none with --tftp-no-options). Content
 * comes from a DirectoryFileSource (files on disk, streamed) and from a buffer source (what the
 * provisioning pipeline hands over after rendering).
 */

const run = promisify(execFile);
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const silentLogger = { debug() {}, info() {}, warn() {} };
const MIB = 1024 * 1024;

let work: string;
let served: string;
let downloads: string;
let directoryServer: TftpServer;
let bufferServer: TftpServer;
let dirPort: number;
let bufPort: number;
const bigSha = createHash('sha256');
let bigDigest: string;
const timings: Record<string, string> = {};

const rendered = new Map<string, Buffer>([
  ['y000000000000.boot', Buffer.from('#!version:1.0.0.1\ninclude:config "y000000000000.cfg"\n')],
  ['SEP001122334455.cnf.xml', Buffer.from(`<device>${'<line/>'.repeat(600)}</device>\n`)],
  ['exact-1024.bin', randomBytes(1024)],
]);
const bufferSource: TftpFileSource = {
  open: async (name) => {
    const data = rendered.get(name);
    return data ? { kind: 'buffer', data } : { kind: 'error', code: 'NOT_FOUND' };
  },
};

async function writeBigFile(file: string, size: number): Promise<void> {
  const out = createWriteStream(file);
  for (let written = 0; written < size; written += MIB) {
    const chunk = randomBytes(Math.min(MIB, size - written));
    bigSha.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  bigDigest = bigSha.digest('hex');
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'deskprov-tftp-e2e-'));
  served = path.join(work, 'served');
  downloads = path.join(work, 'downloads');
  await mkdir(path.join(served, 'firmware'), { recursive: true });
  await mkdir(downloads);
  await writeBigFile(path.join(served, 'firmware', 'big-40mib.rom'), 40 * MIB);
  await writeFile(path.join(served, 'phonebook.xml'), '<list>\n  <entry name="Reception" tel="100"/>\n</list>\n');
  for (let i = 0; i < 50; i++) await writeFile(path.join(served, `cfg-${i}.bin`), randomBytes(20_000 + i * 997));
  const limits = { timeoutMs: 300, retries: 5, maxPerSource: 64, maxTransfers: 100, requestsPerSecondPerSource: 500 };
  directoryServer = await startTftpServer({ host: '127.0.0.1', port: 0, source: createDirectoryFileSource(served), logger: silentLogger, limits });
  bufferServer = await startTftpServer({ host: '127.0.0.1', port: 0, source: bufferSource, logger: silentLogger, limits });
  dirPort = directoryServer.address().port;
  bufPort = bufferServer.address().port;
}, 60_000);

afterAll(async () => {
  await directoryServer?.close();
  await bufferServer?.close();
  await rm(work, { recursive: true, force: true });
  console.info('TFTP timings on loopback:', timings);
});

let n = 0;
const target = (): string => path.join(downloads, `out-${n++}`);

/** tftp-hpa exits 0 even on a TFTP error; its output names the error. */
async function hpa(port: number, mode: 'binary' | 'ascii', command: string): Promise<string> {
  const { stdout, stderr } = await run('tftp', ['-m', mode, '127.0.0.1', String(port), '-c', ...command.split(' ')], { timeout: 60_000 });
  return stdout + stderr;
}

async function hpaGet(port: number, name: string, mode: 'binary' | 'ascii' = 'binary'): Promise<{ data: Buffer; output: string }> {
  const out = target();
  const { stdout, stderr } = await run('tftp', ['-m', mode, '127.0.0.1', String(port), '-c', 'get', name, out], { timeout: 60_000 });
  return { data: await readFile(out).catch(() => Buffer.alloc(0)), output: stdout + stderr };
}

async function curlGet(port: number, name: string, flags: string[] = []): Promise<Buffer> {
  const out = target();
  await run('curl', ['-sS', '--path-as-is', '--max-time', '60', ...flags, '-o', out, `tftp://127.0.0.1:${port}/${name}`], { timeout: 70_000 });
  return readFile(out);
}

async function curlExitCode(port: number, name: string): Promise<number> {
  try {
    await run('curl', ['-sS', '--path-as-is', '--max-time', '20', '-o', target(), `tftp://127.0.0.1:${port}/${name}`]);
    return 0;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

const curlVariants: Array<[string, string[]]> = [
  ['default options', []],
  ['--tftp-blksize 1428', ['--tftp-blksize', '1428']],
  ['--tftp-no-options', ['--tftp-no-options']],
];

describe('tftp-hpa and curl against the deskprov TFTP server', () => {
  it('tftp-hpa fetches rendered buffers and files on disk byte for byte (octet)', async () => {
    for (const [name, data] of rendered) {
      const got = await hpaGet(bufPort, name);
      expect(got.output).toBe('');
      expect(sha(got.data), name).toBe(sha(data));
    }
    for (let i = 0; i < 3; i++) {
      const got = await hpaGet(dirPort, `cfg-${i}.bin`);
      expect(sha(got.data)).toBe(sha(await readFile(path.join(served, `cfg-${i}.bin`))));
    }
  });

  it('tftp-hpa in ascii mode gets the text back with its own line ends (netascii)', async () => {
    const got = await hpaGet(dirPort, 'phonebook.xml', 'ascii');
    expect(got.data.toString()).toBe(await readFile(path.join(served, 'phonebook.xml'), 'utf8'));
  });

  it.each(curlVariants)('curl with %s fetches rendered buffers and files on disk byte for byte', async (_title, flags) => {
    for (const [name, data] of rendered) expect(sha(await curlGet(bufPort, name, flags)), name).toBe(sha(data));
    const file = await curlGet(dirPort, 'cfg-7.bin', flags);
    expect(sha(file)).toBe(sha(await readFile(path.join(served, 'cfg-7.bin'))));
  });

  it.each([
    ['curl', '512', () => curlGet(dirPort, 'firmware/big-40mib.rom', ['--tftp-blksize', '512'])],
    ['tftp-hpa', '512', async () => (await hpaGet(dirPort, 'firmware/big-40mib.rom')).data],
    ['curl', '1428', () => curlGet(dirPort, 'firmware/big-40mib.rom', ['--tftp-blksize', '1428'])],
  ])('%s gets a 40 MiB firmware intact at blksize %s (blocks roll over past 65535)', async (client, blksize, fetch) => {
    const started = performance.now();
    const data = await fetch();
    timings[`40 MiB, ${client}, blksize ${blksize}`] = `${((performance.now() - started) / 1000).toFixed(2)} s`;
    expect(data.length).toBe(40 * MIB);
    expect(sha(data)).toBe(bigDigest);
  }, 60_000);

  it('serves 50 concurrent curl transfers, each correct', async () => {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => curlGet(dirPort, `cfg-${i}.bin`, i % 2 === 0 ? ['--tftp-blksize', '1428'] : [])),
    );
    timings['50 concurrent curl'] = `${((performance.now() - started) / 1000).toFixed(2)} s`;
    for (const [i, data] of results.entries()) {
      expect(sha(data), `cfg-${i}.bin`).toBe(sha(await readFile(path.join(served, `cfg-${i}.bin`))));
    }
    await expect.poll(() => directoryServer.stats().active).toBe(0);
  }, 60_000);

  it('refuses tftp-hpa put with an access violation and writes nothing', async () => {
    const local = path.join(work, 'upload.cfg');
    await writeFile(local, 'evil=1\n');
    const before = (await readdir(served)).sort();
    const output = await hpa(dirPort, 'binary', `put ${local} uploaded.cfg`);
    expect(output).toContain('Error code 2');
    expect((await readdir(served)).sort()).toEqual(before);
  });

  it.each(['../../etc/passwd', '/etc/passwd', '..\\..\\', 'cfg-1.bin\u0001', 'firmware/../../x'])(
    'refuses %j from tftp-hpa with an access violation, then serves the next request',
    async (name) => {
      const got = await hpaGet(dirPort, name);
      expect(got.output).toContain('Error code 2');
      expect(got.data.length).toBe(0);
      expect((await hpaGet(dirPort, 'phonebook.xml')).output).toBe('');
    },
  );

  it('refuses traversal from curl (with --path-as-is) and answers a missing file as not found', async () => {
    // curl exit codes: 69 "access denied" for TFTP error 2, 68 "file not found" for error 1.
    expect(await curlExitCode(dirPort, '../../etc/passwd')).toBe(69);
    expect(await curlExitCode(dirPort, '/etc/passwd')).toBe(69);
    expect(await curlExitCode(dirPort, 'missing.cfg')).toBe(68);
    expect((await curlGet(dirPort, 'phonebook.xml')).toString()).toContain('Reception');
  });
});
