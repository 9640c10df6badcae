import type { Command } from 'commander';
import { itemsOf } from '../api-client.ts';
import { segment, UsageError } from '../context.ts';
import { details, print, table, type CliIo } from '../output.ts';
import { action, collect, integer } from './resource.ts';

/** `deskprov rollouts …`: staged firmware rollouts (docs/FIRMWARE.md). */

const COLUMNS = ['id', 'model', 'targetVersion', 'status', 'ringName', 'ring', 'haltReason'];
const DEVICE_COLUMNS = ['mac', 'ringName', 'version', 'offered.version', 'state'];

/** `96.86.0.70=T54W-96.86.0.70.rom` → `{version, file}`. */
export function parseHop(text: string): { version: string; file: string } {
  const m = /^([^=\s]+)=([^=\s]+)$/.exec(text);
  if (m === null) throw new UsageError(`a release is <version>=<file>, not ${JSON.stringify(text)}`);
  return { version: m[1] as string, file: m[2] as string };
}

/** `canary:devices=1`, `early:percent=10`, `all` → a ring. */
export function parseRing(text: string): { name: string; devices?: number; percent?: number } {
  const m = /^([^:]+)(?::(devices|percent)=(\d+(?:\.\d+)?))?$/.exec(text);
  if (m === null) throw new UsageError(`a ring is <name>[:devices=N|:percent=X], not ${JSON.stringify(text)}`);
  const name = m[1] as string;
  if (m[2] === undefined) return { name };
  return m[2] === 'devices' ? { name, devices: Number(m[3]) } : { name, percent: Number(m[3]) };
}

/** `02:00-04:00` and an optional `tue,wed` → a window. */
export function parseWindow(text: string, days?: string): { start: string; end: string; days?: string[] } {
  const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(text);
  if (m === null) throw new UsageError(`a window is HH:MM-HH:MM in the site's time zone, not ${JSON.stringify(text)}`);
  return { start: m[1] as string, end: m[2] as string, ...(days === undefined ? {} : { days: days.split(',').map((d) => d.trim().toLowerCase()) }) };
}

function rate(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || n > 1) throw new UsageError('--max-registration-loss is a share between 0 and 1');
  return n;
}

export function rolloutsCommand(program: Command, io: CliIo): void {
  const group = program.command('rollouts').description('staged firmware rollouts per site and model');
  group
    .command('create')
    .description('start a rollout')
    .requiredOption('--site <id>', 'the site')
    .requiredOption('--model <id>', 'catalogue model, e.g. yealink/t54w')
    .requiredOption('--target <version=file>', 'the target release and its file in the firmware store')
    .option('--hop <version=file>', 'a release to pass through first, oldest first (repeatable)', collect, [])
    .option('--revert <version=file>', 'the release halted rings go back to')
    .option('--ring <name[:devices=N|:percent=X]>', 'a ring, in order; the last takes everyone (repeatable)', collect, [])
    .requiredOption('--window <HH:MM-HH:MM>', 'maintenance window in the site time zone')
    .option('--days <mon,tue,…>', 'days the window opens on (default every day)')
    .option('--soak <minutes>', 'wait after a ring completes before the next opens', integer('--soak'), 1440)
    .option('--return-within <minutes>', 'halt when an offered device is not back on the release within this', integer('--return-within'), 30)
    .option('--max-registration-loss <share>', 'halt above this share of upgraded devices unregistered', rate, 0.2)
    .action(
      action(io, async (ctx, options: Record<string, unknown>) => {
        const target = parseHop(String(options.target));
        const rings = (options.ring as string[]).map(parseRing);
        const item = await ctx.client.post<Record<string, unknown>>('/api/v1/rollouts', {
          siteId: options.site,
          model: options.model,
          targetVersion: target.version,
          file: target.file,
          upgradePath: (options.hop as string[]).map(parseHop),
          ...(options.revert === undefined ? {} : { revert: parseHop(String(options.revert)) }),
          rings: rings.length === 0 ? [{ name: 'all' }] : rings,
          window: parseWindow(String(options.window), options.days as string | undefined),
          soakMinutes: options.soak,
          halt: { noReturnMinutes: options.returnWithin, maxRegistrationLossRate: options.maxRegistrationLoss },
        });
        print(ctx.io, ctx.json, item, () => details({ ...item, devices: undefined }));
      }),
    );
  group
    .command('list')
    .description('list rollouts, newest first')
    .option('--site <id>', 'only this site')
    .option('--status <active|halted|completed>', 'only this state')
    .action(
      action(io, async (ctx, options: { site?: string; status?: string }) => {
        const query = new URLSearchParams();
        if (options.site !== undefined) query.set('siteId', options.site);
        if (options.status !== undefined) query.set('status', options.status);
        const response = await ctx.client.get(`/api/v1/rollouts${query.size > 0 ? `?${query.toString()}` : ''}`);
        print(ctx.io, ctx.json, response, () => table(itemsOf(response), COLUMNS));
      }),
    );
  group
    .command('show <id>')
    .description('show a rollout and every device’s progress')
    .action(
      action(io, async (ctx, id: string) => {
        const item = await ctx.client.get<Record<string, unknown> & { devices?: Record<string, unknown>[] }>(`/api/v1/rollouts/${segment(id)}`);
        print(ctx.io, ctx.json, item, () => `${details({ ...item, devices: undefined })}\n${table(item.devices ?? [], DEVICE_COLUMNS)}`);
      }),
    );
  for (const verb of ['halt', 'resume'] as const) {
    const command = group.command(`${verb} <id>`).description(verb === 'halt' ? 'halt a rollout now' : 'resume a halted rollout');
    if (verb === 'halt') command.option('--reason <text>', 'why (kept in the rollout and the audit log)');
    command.action(
      action(io, async (ctx, id: string, options: { reason?: string }) => {
        const body = verb === 'halt' && options.reason !== undefined ? { reason: options.reason } : undefined;
        const item = await ctx.client.post<Record<string, unknown>>(`/api/v1/rollouts/${segment(id)}/${verb}`, body);
        print(ctx.io, ctx.json, item, () => details({ ...item, devices: undefined }));
      }),
    );
  }
  group
    .command('alerts')
    .description('open firmware alerts: corrupt, unverified or missing images, halted rollouts')
    .action(
      action(io, async (ctx) => {
        const response = await ctx.client.get('/api/v1/firmware-alerts');
        print(ctx.io, ctx.json, response, () => table(itemsOf(response), ['at', 'code', 'subject', 'message']));
      }),
    );
}
