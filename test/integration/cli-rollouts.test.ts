import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli/main.ts';
import type { CliIo } from '../../server/cli/output.ts';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';
import { uploadFirmware } from './helpers/sim-phone.ts';

let server: PhoneServer;
let ids: Awaited<ReturnType<typeof seed>>;

beforeEach(async () => {
  server = await startPhoneServer();
  ids = await seed(server);
  expect(await uploadFirmware(server, 'T54W-96.86.0.100.rom', '96.86.0.100')).toBe(201);
});
afterEach(async () => {
  await server.close();
});

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTty: false,
    env: { DESKPROV_SERVER: server.root, DESKPROV_TOKEN: server.adminToken },
  };
  const code = await runCli(['node', 'deskprov', ...args], io);
  return { code, stdout, stderr };
}

describe('deskprov rollouts', () => {
  it('creates, lists, shows, halts and resumes a rollout through the API', async () => {
    await server.api('POST', '/devices', { mac: '805ec0000001', model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId });
    const created = await cli([
      'rollouts', 'create', '--site', ids.siteId, '--model', 'yealink/t54w', '--target', '96.86.0.100=T54W-96.86.0.100.rom',
      '--ring', 'canary:devices=1', '--ring', 'all', '--window', '22:00-04:00', '--days', 'tue,wed', '--soak', '60', '--json',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const rollout = JSON.parse(created.stdout);
    expect(rollout).toMatchObject({ targetVersion: '96.86.0.100', window: { start: '22:00', end: '04:00', days: ['tue', 'wed'] }, halt: { noReturnMinutes: 30, maxRegistrationLossRate: 0.2 } });

    const list = await cli(['rollouts', 'list', '--status', 'active']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(rollout.id);
    const show = await cli(['rollouts', 'show', rollout.id]);
    expect(show.stdout).toContain('805ec0000001');

    const halted = JSON.parse((await cli(['rollouts', 'halt', rollout.id, '--reason', 'calls drop on canary', '--json'])).stdout);
    expect(halted).toMatchObject({ status: 'halted', haltReason: 'calls drop on canary' });
    expect((await cli(['rollouts', 'alerts'])).stdout).toContain('ROLLOUT_HALTED');
    expect(JSON.parse((await cli(['rollouts', 'resume', rollout.id, '--json'])).stdout).status).toBe('active');
    const again = await cli(['rollouts', 'resume', rollout.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/CONFLICT|not halted/);
  });

  it('refuses malformed arguments with exit code 2 before calling the server', async () => {
    const bad = await cli(['rollouts', 'create', '--site', ids.siteId, '--model', 'yealink/t54w', '--target', '96.86.0.100', '--window', '22:00-04:00']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/version>=<file/);
  });
});
