import type { Command } from 'commander';
import { UsageError } from '../context.ts';
import type { CliIo } from '../output.ts';
import { action, addReadDeleteCommands, collect, create, type ResourceSpec } from './resource.ts';

const spec: ResourceSpec = {
  name: 'sites',
  singular: 'site',
  key: 'id',
  columns: ['id', 'name', 'timezone', 'extensionRange.first', 'extensionRange.last', 'registrar.host'],
};

/** Parses `1000-1999` into an extension range. */
export function parseRange(text: string): { first: number; last: number } {
  const match = /^(\d+)-(\d+)$/.exec(text);
  if (!match) throw new UsageError(`--range must look like 1000-1999, got "${text}"`);
  return { first: Number(match[1]), last: Number(match[2]) };
}

/** Parses `host[:port]` of a SIP registrar. */
export function parseRegistrar(text: string, transport?: string): { host: string; port?: number; transport?: string } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text);
  if (!match?.[1]) throw new UsageError(`--registrar must look like host or host:port, got "${text}"`);
  return {
    host: match[1].replace(/^\[|\]$/g, ''),
    ...(match[2] !== undefined ? { port: Number(match[2]) } : {}),
    ...(transport !== undefined ? { transport } : {}),
  };
}

export function sitesCommand(program: Command, io: CliIo): void {
  const group = program.command('sites').description('sites: time zone, networks, extension range, registrar');
  group
    .command('add <name>')
    .description('create a site')
    .requiredOption('--timezone <iana>', 'IANA time zone, e.g. Europe/Berlin')
    .requiredOption('--range <first-last>', 'extension range, e.g. 1000-1999')
    .requiredOption('--registrar <host[:port]>', 'SIP registrar')
    .option('--transport <udp|tcp|tls>', 'SIP transport')
    .option('--network <cidr>', 'a network phones of this site use (repeatable)', collect, [])
    .option('--tftp-secrets', 'allow SIP secrets over TFTP for this site')
    .option('--no-check-sync', 'never send SIP NOTIFY check-sync to this site\'s phones after edits')
    .action(
      action(io, async (ctx, name: string, options: Record<string, unknown>) => {
        await create(ctx, spec, {
          name,
          timezone: options.timezone,
          networks: options.network,
          extensionRange: parseRange(String(options.range)),
          registrar: parseRegistrar(String(options.registrar), options.transport as string | undefined),
          ...(options.tftpSecrets === true ? { tftpSecrets: true } : {}),
          // commander sets checkSync false for --no-check-sync; the server's default is allowed.
          ...(options.checkSync === false ? { checkSync: { allowed: false } } : {}),
        });
      }),
    );
  addReadDeleteCommands(group, io, spec);
}
