import type { Command } from 'commander';
import type { CliIo } from '../output.ts';
import { action, addReadDeleteCommands, create, integer, type ResourceSpec } from './resource.ts';

const spec: ResourceSpec = {
  name: 'users',
  singular: 'user',
  key: 'id',
  columns: ['id', 'name', 'email', 'siteId', 'role', 'licensed', 'extension.number'],
  filters: [
    { flag: 'site', query: 'siteId', description: 'only users of this site' },
    { flag: 'search', query: 'q', description: 'only users whose name or email contains this text' },
  ],
};

export function usersCommand(program: Command, io: CliIo): void {
  const group = program.command('users').description('users and their primary extensions');
  group
    .command('add <name>')
    .description('create a user (the extension is allocated from the site range unless given)')
    .requiredOption('--email <email>', 'email address (unique)')
    .requiredOption('--site <id>', 'site id')
    .option('--extension <number>', 'primary extension', integer('--extension'))
    .option('--role <role>', 'super-admin, admin, installer or user')
    .action(
      action(io, async (ctx, name: string, options: Record<string, unknown>) => {
        await create(ctx, spec, {
          name,
          email: options.email,
          siteId: options.site,
          ...(options.extension !== undefined ? { extension: options.extension } : {}),
          ...(options.role !== undefined ? { role: options.role } : {}),
        });
      }),
    );
  addReadDeleteCommands(group, io, spec);
}
