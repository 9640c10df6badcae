import type { Command } from 'commander';
import type { CliIo } from '../output.ts';
import { action, addReadDeleteCommands, create, type ResourceSpec } from './resource.ts';

const spec: ResourceSpec = {
  name: 'numbers',
  singular: 'number',
  key: 'e164',
  columns: ['e164', 'region', 'callerIdName', 'extension'],
};

export function numbersCommand(program: Command, io: CliIo): void {
  const group = program.command('numbers').description('the phone number inventory (E.164)');
  group
    .command('add <e164>')
    .description('add a phone number, e.g. +4930123456')
    .requiredOption('--region <code>', 'ISO 3166 region, e.g. DE')
    .option('--caller-id-name <name>', 'caller ID name')
    .action(
      action(io, async (ctx, e164: string, options: Record<string, string | undefined>) => {
        await create(ctx, spec, {
          e164,
          region: options.region,
          ...(options.callerIdName !== undefined ? { callerIdName: options.callerIdName } : {}),
        });
      }),
    );
  addReadDeleteCommands(group, io, spec);
}
