import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { tryParseMac } from '../server/domain/mac-address.ts';
import { makeReport, runAgentLoop } from './agent-loop.ts';
import { gatherSnapshot } from './evidence.ts';
import { agentLogger } from './log.ts';
import { ReportQueue } from './report-queue.ts';
import { flushQueue, httpPoster } from './reporter.ts';
import { runCommand } from './run-command.ts';
import { findServer } from './server-finder.ts';
import { probeRegistration } from './sip-register-probe.ts';
import type { SipState } from '../server/domain/e911-evidence.ts';

/** Exit codes: 0 done, 1 a report could not be delivered (it stays queued), 2 bad usage. */
export const AGENT_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface AgentOptions {
  server?: string;
  token?: string;
  mac?: string;
  interface?: string;
  queueDir: string;
  heartbeat: number;
  poll: number;
  retryMax: number;
  once?: boolean;
  print?: boolean;
  sipStatus?: string;
  sipAor?: string;
  sipRegistrar?: string;
  sipAuthUser?: string;
  sipProbeInterval: number;
  sipPort?: number;
  lldpSocket?: string;
  firmware?: string;
  configRevision?: string;
  discoverTimeout: number;
  findServer?: boolean;
  mdnsInterface?: string;
  log: string;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

function udpPort(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port number 1-65535');
  return n;
}

function mac(value: string): string {
  const parsed = tryParseMac(value);
  if (parsed === null) throw new InvalidArgumentError('must be a unicast MAC such as 00:15:65:aa:bb:cc');
  return parsed;
}

/** Builds the command line; parsing it gives the options `runAgent` acts on. */
export function buildAgentProgram(): Command {
  return new Command('deskprov-agent')
    .description('deskprov device agent: reports SIP state and location evidence to the server')
    .option('--server <url>', 'server URL; when absent the agent browses mDNS for _deskprov._tcp')
    .option('--token <token>', 'device token (DESKPROV_AGENT_TOKEN)')
    .option('--mac <mac>', 'MAC of the device this agent reports for', mac)
    .option('--interface <name>', 'network interface to report (default: the default route\'s)')
    .option('--queue-dir <dir>', 'folder for reports waiting for the server', join('data', 'agent-queue'))
    .option('--heartbeat <seconds>', 'send a report at least this often', seconds, 60)
    .option('--poll <seconds>', 'gather evidence this often; changes are sent at once', seconds, 5)
    .option('--retry-max <seconds>', 'longest wait between retries while the server is away', seconds, 60)
    .option('--sip-status <file|url>', 'JSON SIP registration status source {"registered": bool, …}')
    .option('--sip-aor <uri>', 'probe the registrar for this line (sip:user@domain) instead of a status source')
    .option('--sip-registrar <host[:port]>', 'registrar to probe (UDP, default port 5060; default: the AOR\'s domain)')
    .option('--sip-auth-user <user>', 'digest user name for the probe (password from DESKPROV_SIP_PASSWORD)')
    .option('--sip-probe-interval <seconds>', 'how often to probe the registrar', seconds, 60)
    .option('--sip-port <port>', 'UDP port the phone\'s SIP UA listens on; reported with the interface address so check-sync reaches it', udpPort)
    .option('--lldp-socket <path>', 'control socket of the lldpd to ask (lldpcli -u)')
    .option('--firmware <version>', 'firmware version to report')
    .option('--config-revision <rev>', 'config revision the device applied')
    .option('--discover-timeout <seconds>', 'how long to browse mDNS for the server', seconds, 30)
    .option('--mdns-interface <address>', 'IPv4 address of the interface to browse mDNS on (default: the system\'s choice)')
    .option('--find-server', 'browse mDNS for the server, print its URL and exit')
    .option('--once', 'gather and send one report, then exit')
    .option('--print', 'gather once and print the report JSON on stdout instead of sending it')
    .option('--log <level>', 'log level', 'info')
    .exitOverride()
    .showHelpAfterError();
}

/** The agent's entry point (`npx deskprov-agent`); resolves to the exit code. */
export async function runAgent(argv: readonly string[]): Promise<number> {
  const program = buildAgentProgram();
  try {
    program.parse([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? AGENT_EXIT.ok : AGENT_EXIT.usage;
    throw err;
  }
  const opts = program.opts<AgentOptions>();
  const log = agentLogger(opts.log);
  const readSip = opts.sipAor === undefined ? undefined : cachedProbe(opts);
  const gather = () =>
    gatherSnapshot({
      ...(readSip === undefined ? {} : { readSip }),
      run: runCommand,
      interface: opts.interface,
      lldpSocket: opts.lldpSocket,
      sipStatus: opts.sipStatus,
      firmware: opts.firmware,
      configRevision: opts.configRevision,
      mac: opts.mac,
      ...(opts.sipPort === undefined ? {} : { sipPort: opts.sipPort }),
      onProblem: (source, message) => log.debug({ source }, message),
    });

  if (opts.print) {
    const report = makeReport(await gather(), new Date(), randomUUID());
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return AGENT_EXIT.ok;
  }

  const browse = () =>
    findServer({
      timeoutMs: opts.discoverTimeout * 1000,
      ...(opts.mdnsInterface !== undefined ? { interface: opts.mdnsInterface } : {}),
    });
  if (opts.findServer) {
    const url = await browse();
    if (url === null) {
      log.error('no deskprov server found by mDNS (_deskprov._tcp)');
      return AGENT_EXIT.failed;
    }
    process.stdout.write(`${url}\n`);
    return AGENT_EXIT.ok;
  }

  const token = opts.token ?? process.env.DESKPROV_AGENT_TOKEN;
  if (token === undefined || token === '') {
    log.error('a device token is required: --token or DESKPROV_AGENT_TOKEN');
    return AGENT_EXIT.usage;
  }
  const server = opts.server ?? (await browse());
  if (server === null) {
    log.error('no deskprov server found by mDNS (_deskprov._tcp); give --server');
    return AGENT_EXIT.failed;
  }
  const queue = new ReportQueue(opts.queueDir);
  await queue.init();
  const post = httpPoster(server, token);
  log.info({ server, queued: await queue.size() }, 'agent started');

  if (opts.once) {
    await queue.enqueue(makeReport(await gather(), new Date(), randomUUID()));
    const result = await flushQueue(queue, post, log);
    if (result.blocked) log.warn({ reason: result.reason }, 'report queued; the server did not take it');
    return result.blocked ? AGENT_EXIT.failed : AGENT_EXIT.ok;
  }

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runAgentLoop(
      {
        queue,
        post,
        gather,
        log,
        pollMs: opts.poll * 1000,
        heartbeatMs: opts.heartbeat * 1000,
        retryBaseMs: Math.min(500, opts.retryMax * 1000),
        retryMaxMs: opts.retryMax * 1000,
      },
      stop.signal,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return AGENT_EXIT.ok;
}

/**
 * The REGISTER probe, at most once per `--sip-probe-interval`: a registrar is not asked every poll.
 * The password comes only from the environment, never a flag (flags show in `ps`).
 */
function cachedProbe(opts: AgentOptions): () => Promise<SipState> {
  const aor = opts.sipAor!;
  const [host, port] = (opts.sipRegistrar ?? aor.replace(/^sips?:([^@]*@)?/, '')).split(':');
  const password = process.env.DESKPROV_SIP_PASSWORD;
  let last: { at: number; state: SipState } | null = null;
  return async () => {
    if (last !== null && Date.now() - last.at < opts.sipProbeInterval * 1000) return last.state;
    const state = await probeRegistration({
      aor,
      host: host ?? '',
      port: port === undefined ? 5060 : Number(port),
      ...(opts.sipAuthUser === undefined ? {} : { authUser: opts.sipAuthUser }),
      ...(password === undefined ? {} : { password }),
    });
    last = { at: Date.now(), state };
    return state;
  };
}
