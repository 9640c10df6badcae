import type { Command } from 'commander';
import { segment, UsageError } from '../context.ts';
import { details, print, type CliIo } from '../output.ts';
import { action, addReadDeleteCommands, create, type ResourceSpec } from './resource.ts';

const spec: ResourceSpec = {
  name: 'devices',
  singular: 'device',
  key: 'mac',
  columns: ['mac', 'model', 'siteId', 'state', 'binding.kind', 'binding.extension.number', 'label'],
  filters: [
    { flag: 'state', query: 'state', description: 'discovered, provisioned, retired, …' },
    { flag: 'site', query: 'siteId', description: 'only devices of this site' },
    { flag: 'model', query: 'model', description: 'only devices of this catalogue model' },
    { flag: 'user', query: 'userId', description: 'only devices bound to this user' },
    { flag: 'search', query: 'q', description: 'only devices whose MAC or label contains this text' },
  ],
};

/** `{userId}` or `{standalone: true, label?}`: exactly one, as the API requires. */
export function bindingBody(options: Record<string, unknown>): Record<string, unknown> {
  const user = options.user as string | undefined;
  if ((user === undefined) === (options.standalone !== true)) {
    throw new UsageError('give exactly one of --user <id> and --standalone');
  }
  return user !== undefined
    ? { userId: user }
    : { standalone: true, ...(options.label !== undefined ? { label: options.label } : {}) };
}

export function devicesCommand(program: Command, io: CliIo): void {
  const group = program.command('devices').description('phones: user devices and standalone devices');
  group
    .command('add <mac>')
    .description('add a device bound to a user (--user) or with its own extension (--standalone)')
    .requiredOption('--model <vendor/model>', 'catalogue model id, e.g. yealink/t54w')
    .requiredOption('--site <id>', 'site id')
    .option('--user <id>', 'bind to this user’s extension')
    .option('--standalone', 'allocate a new extension from the site range')
    .option('--label <text>', 'label of a standalone device')
    .action(
      action(io, async (ctx, mac: string, options: Record<string, unknown>) => {
        await create(ctx, spec, { mac, model: options.model, siteId: options.site, ...bindingBody(options) });
      }),
    );
  group
    .command('claim <mac>')
    .description('claim a discovered device for a user or as a standalone device')
    .option('--model <vendor/model>', 'catalogue model id when discovery did not pin it')
    .option('--site <id>', 'site id')
    .option('--user <id>', 'bind to this user’s extension')
    .option('--standalone', 'allocate a new extension from the site range')
    .option('--label <text>', 'label of a standalone device')
    .action(
      action(io, async (ctx, mac: string, options: Record<string, unknown>) => {
        const body = {
          ...(options.model !== undefined ? { model: options.model } : {}),
          ...(options.site !== undefined ? { siteId: options.site } : {}),
          ...bindingBody(options),
        };
        const item = await ctx.client.post<Record<string, unknown>>(`/api/v1/devices/${segment(mac)}/claim`, body);
        print(ctx.io, ctx.json, item, () => details(item));
      }),
    );
  addReadDeleteCommands(group, io, spec);
}
