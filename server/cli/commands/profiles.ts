import fs from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../context.ts';
import type { CliIo } from '../output.ts';
import { action, addReadDeleteCommands, create, type ResourceSpec } from './resource.ts';

const spec: ResourceSpec = {
  name: 'profiles',
  singular: 'profile',
  key: 'id',
  columns: ['id', 'name', 'parentId', 'revision'],
  revisioned: true,
};

/** `--settings` takes JSON inline or `@file.json`. */
export function readSettings(text: string, readFile: (file: string) => string = (file) => fs.readFileSync(file, 'utf8')): unknown {
  const source = text.startsWith('@') ? readFile(text.slice(1)) : text;
  try {
    return JSON.parse(source);
  } catch {
    throw new UsageError('--settings is not valid JSON');
  }
}

export function profilesCommand(program: Command, io: CliIo): void {
  const group = program.command('profiles').description('named settings bundles, optionally inheriting');
  group
    .command('add <name>')
    .description('create a profile')
    .option('--parent <id>', 'profile to inherit from')
    .option('--settings <json|@file>', 'settings as JSON, or @path to a JSON file', '{}')
    .action(
      action(io, async (ctx, name: string, options: Record<string, string | undefined>) => {
        await create(ctx, spec, {
          name,
          ...(options.parent !== undefined ? { parentId: options.parent } : {}),
          settings: readSettings(options.settings ?? '{}'),
        });
      }),
    );
  addReadDeleteCommands(group, io, spec);
}
