import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parseConfig, systemFacts, type ConfigFlags } from '../../config.ts';
import type { Finding } from '../../doctor/doctor-checks.ts';
import type { CliIo } from '../output.ts';
import { ConfigRejected, readConfig } from './serve.ts';

/** Where firmware-profiles/ ships (as server/main.ts finds it), without loading the server. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The discovery interfaces as serve would read them (flag, environment, file), without refusing missing ones. */
function discoveryNames(flag: string | undefined, env: CliIo['env'], file: { discovery?: string[] }): string[] {
  const raw = flag ?? (env.DESKPROV_DISCOVERY === '' ? undefined : env.DESKPROV_DISCOVERY) ?? file.discovery?.join(',');
  if (raw === undefined || raw === 'off') return [];
  return raw.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

const MARK: Record<Finding['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

function human(findings: readonly Finding[]): string {
  const lines = findings.flatMap((f) => [
    `${MARK[f.status]}  ${f.check}: ${f.explanation}`,
    ...(f.fix === null ? [] : [`      fix: ${f.fix}`]),
  ]);
  const count = (status: Finding['status']): number => findings.filter((f) => f.status === status).length;
  return `${lines.join('\n')}\n\n${count('ok')} ok, ${count('warn')} warnings, ${count('fail')} failures\n`;
}

/**
 * `deskprov doctor`: checks a deskprov installation on this machine (listeners, public URL, TLS,
 * database, disk, catalogue, clock, discovery, inventory gaps) with the same settings as
 * `deskprov serve`; exit 1 when a check fails, 2 for a bad configuration.
 */
export function doctorCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('doctor')
    .description('check this installation and explain what is wrong, with the fix (give it the same settings as serve)')
    .option('--data <dir>', 'data folder (DESKPROV_DATA, default ./data)')
    .option('--http <host:port>', 'HTTP listener (DESKPROV_HTTP)')
    .option('--https <host:port>', 'HTTPS listener or off (DESKPROV_HTTPS)')
    .option('--tftp <host:port|off>', 'TFTP listener (DESKPROV_TFTP)')
    .option('--public-url <url>', 'base URL phones are told to use (DESKPROV_PUBLIC_URL)')
    .option('--discovery <ifaces>', 'interfaces for mDNS and SIP PnP (DESKPROV_DISCOVERY)')
    .option('--config <file>', 'JSON config file, as for serve')
    .option('--timeout <ms>', 'time limit of each network probe', '5000')
    .action(async (flags: ConfigFlags & { config?: string; timeout: string }, command: Command) => {
      const { config: configPath, timeout, discovery, ...rest } = flags;
      const timeoutMs = Number(timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new ConfigRejected(['--timeout must be a whole number of milliseconds']);
      const file = configPath === undefined ? {} : readConfig(configPath);
      // Missing discovery interfaces are a finding here, not a reason to refuse the settings.
      const result = parseConfig({ ...rest, discovery: 'off' }, io.env, systemFacts(), file);
      if (!result.ok) throw new ConfigRejected(result.errors);
      const [{ gatherFacts }, { diagnose, exitCodeOf }] = await Promise.all([
        import('../../doctor/gather-facts.ts'),
        import('../../doctor/doctor-checks.ts'),
      ]);
      const facts = await gatherFacts({
        config: result.config,
        discovery: discoveryNames(discovery, io.env, file),
        packageRoot: PACKAGE_ROOT,
        timeoutMs,
      });
      const findings = diagnose(facts);
      const code = exitCodeOf(findings);
      const json = command.optsWithGlobals<{ json?: boolean }>().json === true;
      io.stdout(json ? `${JSON.stringify({ ok: code === 0, findings }, null, 2)}\n` : human(findings));
      setExit(code);
    });
}
