import type { Command } from 'commander';
import { contextFor, UsageError } from '../context.ts';
import type { CliIo } from '../output.ts';

const FORMATS = ['isc', 'kea', 'dnsmasq'];

/** `deskprov dhcp --format …`: prints the server's DHCP fragment (`GET /api/v1/dhcp`) as is. */
export function dhcpCommand(program: Command, io: CliIo): void {
  program
    .command('dhcp')
    .description('print a DHCP server fragment (options 66/160/43/150) that points phones at this server')
    .requiredOption('--format <format>', `one of ${FORMATS.join(', ')}`)
    .option('--site <id>', 'the site the fragment is for')
    .action(async (flags: { format: string; site?: string }, command: Command) => {
      if (!FORMATS.includes(flags.format)) throw new UsageError(`--format is one of ${FORMATS.join(', ')}, not ${JSON.stringify(flags.format)}`);
      const query = new URLSearchParams({ format: flags.format, ...(flags.site === undefined ? {} : { siteId: flags.site }) });
      io.stdout(await contextFor(io, command).client.getText(`/api/v1/dhcp?${query}`));
    });
}
