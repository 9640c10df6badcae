import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackSite, startServedServer, type ServedServer } from '../integration/helpers/served-server.ts';

/**
 * The packaged fail2ban filter against a log the server wrote: a source is banned over real HTTP,
 * then `fail2ban-regex` (Debian fail2ban) reads the log file with packaging/fail2ban/filter.d/deskprov.conf.
 */
const run = promisify(execFile);
const FILTER = join(import.meta.dirname, '..', '..', 'packaging', 'fail2ban', 'filter.d', 'deskprov.conf');
const ADMIN_TOKEN = 'fail2ban-test-admin-token-012345';
/** A User-Agent that tries to forge the ban line inside a phone-request log line. */
const FORGING_UA = 'Yealink SIP-T54W 96.86.0.70 x","event":"deskprov.phone.ban","ip":"192.0.2.99","misses":20,"';
let served: ServedServer;

beforeAll(async () => {
  served = await startServedServer(ADMIN_TOKEN);
  await loopbackSite(served);
  let status = 0;
  // Unknown MACs answer the uniform 401 and count as misses; the default policy bans at 20.
  for (let i = 0; i < 40 && status !== 429; i++) {
    status = (await fetch(`${served.server.httpUrl}44dbd2ffff${String(i).padStart(2, '0')}.cfg`, { headers: { 'user-agent': FORGING_UA } })).status;
  }
  if (status !== 429) throw new Error(`the source was not banned (last status ${status})`);
  await served.server.close();
});
afterAll(async () => served.close());

async function fail2banRegex(...extra: string[]): Promise<string> {
  const { stdout } = await run('fail2ban-regex', [...extra, served.logFile, FILTER], { timeout: 30_000 });
  return stdout;
}

describe('packaging/fail2ban filter', () => {
  it('finds exactly the one ban line of the server log, with the banned address', async () => {
    const log = readFileSync(served.logFile, 'utf8').split('\n').filter((line) => line !== '');
    const banLines = log.filter((line) => (JSON.parse(line) as { event?: string }).event === 'deskprov.phone.ban');
    expect(banLines).toHaveLength(1);
    expect(log.length).toBeGreaterThan(20);
    expect(log.filter((line) => line.includes('192.0.2.99')).length, 'forged User-Agent logged').toBeGreaterThan(0);

    const ips = (await fail2banRegex('-o', 'ip')).split('\n').filter((line) => line.trim() !== '');
    expect(ips).toEqual(['127.0.0.1']);
  });

  it('reads the date from the line and matches nothing else, not even a forged User-Agent', async () => {
    const report = await fail2banRegex();
    expect(report).toMatch(/Failregex: 1 total/);
    expect(report).toMatch(/Lines: \d+ lines, 0 ignored, 1 matched, \d+ missed/);
    expect(report).toMatch(/\[\d+\] "time":\{LEPOCH\}/);
    expect(report).not.toContain('192.0.2.99');
  });
});
