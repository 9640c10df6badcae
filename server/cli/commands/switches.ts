import type { Command } from 'commander';
import { segment, UsageError } from '../context.ts';
import { details, print, type CliIo } from '../output.ts';
import { action, addReadDeleteCommands, collect, create, integer, type ResourceSpec } from './resource.ts';

const spec: ResourceSpec = {
  name: 'switches',
  singular: 'switch',
  key: 'id',
  columns: ['id', 'name', 'host', 'port', 'snmp.version', 'chassisId.value', 'poll.lastSuccessAt', 'poll.error.code'],
  filters: [{ flag: 'site', query: 'siteId', description: 'only switches of this site' }],
};

/**
 * SNMP credentials from options, else from the environment: secrets given as options are visible
 * in the process list, so DESKPROV_SNMP_COMMUNITY / _AUTH_KEY / _PRIV_KEY are the better way.
 */
export function snmpCredentials(options: Record<string, string | undefined>, env: Record<string, string | undefined>): Record<string, string> {
  const community = options.community ?? env.DESKPROV_SNMP_COMMUNITY;
  const authKey = options.authKey ?? env.DESKPROV_SNMP_AUTH_KEY;
  const privKey = options.privKey ?? env.DESKPROV_SNMP_PRIV_KEY;
  if (options.v3User === undefined) {
    if (community === undefined) throw new UsageError('give --community (or DESKPROV_SNMP_COMMUNITY) for SNMPv2c, or --v3-user for SNMPv3');
    return { version: '2c', community };
  }
  return {
    version: '3',
    user: options.v3User,
    ...(authKey === undefined ? {} : { authKey, ...(options.authProtocol === undefined ? {} : { authProtocol: options.authProtocol }) }),
    ...(privKey === undefined ? {} : { privKey, ...(options.privProtocol === undefined ? {} : { privProtocol: options.privProtocol }) }),
  };
}

export function switchesCommand(program: Command, io: CliIo): void {
  const group = program.command('switches').description('switches polled over SNMP for agentless E911 location');
  group
    .command('add <name>')
    .description('add a switch to poll')
    .requiredOption('--host <address>', 'management address: IP or host name')
    .option('--port <n>', 'SNMP port (default 161)', integer('--port'))
    .option('--site <id>', 'the site the switch belongs to')
    .option('--community <text>', 'SNMPv2c community (or DESKPROV_SNMP_COMMUNITY)')
    .option('--v3-user <name>', 'SNMPv3 user (USM)')
    .option('--auth-protocol <md5|sha|sha256|…>', 'SNMPv3 authentication protocol (default sha)')
    .option('--auth-key <text>', 'SNMPv3 authentication password (or DESKPROV_SNMP_AUTH_KEY)')
    .option('--priv-protocol <des|aes|…>', 'SNMPv3 privacy protocol (default aes)')
    .option('--priv-key <text>', 'SNMPv3 privacy password (or DESKPROV_SNMP_PRIV_KEY)')
    .option('--uplink <port>', 'a port to ignore, by ifName or LLDP port id (repeatable)', collect, [])
    .action(
      action(io, async (ctx, name: string, options: Record<string, unknown>) => {
        await create(ctx, spec, {
          name,
          host: options.host,
          ...(options.port === undefined ? {} : { port: options.port }),
          ...(options.site === undefined ? {} : { siteId: options.site }),
          snmp: snmpCredentials(options as Record<string, string | undefined>, ctx.io.env),
          uplinkPorts: options.uplink,
        });
      }),
    );
  group
    .command('poll <id>')
    .description('poll a switch now and show what it found')
    .action(
      action(io, async (ctx, id: string) => {
        const outcome = await ctx.client.post<Record<string, unknown>>(`/api/v1/switches/${segment(id)}/poll`);
        print(ctx.io, ctx.json, outcome, () => details(outcome));
      }),
    );
  addReadDeleteCommands(group, io, spec);
}
