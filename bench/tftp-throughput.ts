/**
 * TFTP throughput on loopback: a 40 MiB file (generated in a temp dir, removed afterwards) fetched
 * with curl at blksize 512 and 1428, with tftp-hpa (512, no options), and with the raw test client
 * at blksize 1428 and windowsize 16. Prints seconds and MiB/s per run.
 *
 *   npx tsx bench/tftp-throughput.ts [sizeMiB]
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDirectoryFileSource } from '../server/tftp/directory-file-source.ts';
import { startTftpServer } from '../server/tftp/tftp-server.ts';
import { RawTftpClient } from '../test/integration/helpers/tftp-raw-client.ts';

const run = promisify(execFile);

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? 40);
  const dir = await mkdtemp(path.join(tmpdir(), 'deskprov-tftp-bench-'));
  try {
    await writeFile(path.join(dir, 'firmware.rom'), randomBytes(mib * 1024 * 1024));
    const server = await startTftpServer({
      host: '127.0.0.1',
      port: 0,
      source: createDirectoryFileSource(dir),
      logger: { debug() {}, info() {}, warn() {} },
    });
    const port = String(server.address().port);
    const out = path.join(dir, 'out');
    const runs: Array<[string, () => Promise<unknown>]> = [
      ['curl blksize 512', () => run('curl', ['-sS', '--tftp-blksize', '512', '-o', out, `tftp://127.0.0.1:${port}/firmware.rom`])],
      ['curl blksize 1428', () => run('curl', ['-sS', '--tftp-blksize', '1428', '-o', out, `tftp://127.0.0.1:${port}/firmware.rom`])],
      ['tftp-hpa (512, no options)', () => run('tftp', ['-m', 'binary', '127.0.0.1', port, '-c', 'get', 'firmware.rom', out])],
      [
        'raw client blksize 1428 windowsize 16',
        async () => {
          const client = await RawTftpClient.open();
          await client.fetchWindowed(Number(port), 'firmware.rom', 1428, 16);
          await client.close();
        },
      ],
    ];
    for (const [title, fetch] of runs) {
      const started = performance.now();
      await fetch();
      const seconds = (performance.now() - started) / 1000;
      const size = title.startsWith('raw') ? mib * 1024 * 1024 : (await stat(out)).size;
      console.log(`${title.padEnd(40)} ${seconds.toFixed(2)} s  ${(size / 1024 / 1024 / seconds).toFixed(1)} MiB/s`);
    }
    // The last ACK may still be in flight when a client returns; give the server a moment to count it.
    for (let i = 0; i < 100 && server.stats().active > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    console.log('server stats', server.stats());
    await server.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
