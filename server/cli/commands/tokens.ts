import type { Command } from 'commander';
import { itemsOf } from '../api-client.ts';
import { segment } from '../context.ts';
import { details, print, table, type CliIo } from '../output.ts';
import { action } from './resource.ts';

const COLUMNS = ['id', 'name', 'role', 'userId', 'siteId', 'createdAt', 'revokedAt'];

export function tokensCommand(program: Command, io: CliIo): void {
  const group = program.command('tokens').description('API tokens (super-admin)');
  group
    .command('add')
    .description('create an API token; its value is shown once')
    .requiredOption('--role <role>', 'super-admin, admin or installer')
    .option('--name <text>', 'what the token is for')
    .option('--user <id>', 'the user the token acts as')
    .option('--site <id>', 'restrict to one site (installers)')
    .action(
      action(io, async (ctx, options: Record<string, string | undefined>) => {
        const body = {
          role: options.role,
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.user !== undefined ? { userId: options.user } : {}),
          ...(options.site !== undefined ? { siteId: options.site } : {}),
        };
        const created = await ctx.client.post<Record<string, unknown>>('/api/v1/tokens', body);
        print(ctx.io, ctx.json, created, () => details(created));
      }),
    );
  group
    .command('list')
    .description('list tokens (never their values)')
    .action(
      action(io, async (ctx) => {
        const response = await ctx.client.get('/api/v1/tokens');
        print(ctx.io, ctx.json, response, () => table(itemsOf(response), COLUMNS));
      }),
    );
  group
    .command('rm <id>')
    .description('revoke a token')
    .action(
      action(io, async (ctx, id: string) => {
        await ctx.client.delete(`/api/v1/tokens/${segment(id)}`);
        print(ctx.io, ctx.json, { revoked: id }, () => `revoked token ${id}\n`);
      }),
    );
}
