import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../context.ts';
import { parseConfig, systemFacts, type ConfigFlags } from '../../config.ts';
import { parseConfigFile, type ConfigFile } from '../../config-file.ts';
import type { CliIo } from '../output.ts';

/** Thrown when the configuration is invalid; runCli exits with code 2 after the messages. */
export class ConfigRejected extends UsageError {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigRejected';
  }
}

/**
 * `deskprov serve`: settings from flags, then DESKPROV_* environment, then the `--config` JSON
 * file, then defaults (CONTRACT.md "Start and configuration"). Resolves when the server has shut down.
 */
export function serveCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('run the provisioning server')
    .option('--data <dir>', 'data folder (DESKPROV_DATA, default ./data)')
    .option('--http <host:port>', 'HTTP listener (DESKPROV_HTTP, default 127.0.0.1:8080)')
    .option('--https <host:port>', 'HTTPS listener or off (DESKPROV_HTTPS, default off)')
    .option('--tftp <host:port|off>', 'TFTP listener (DESKPROV_TFTP, default 127.0.0.1:6969)')
    .option('--public-url <url>', 'base URL phones are told to use (DESKPROV_PUBLIC_URL)')
    .option('--discovery <ifaces>', 'interfaces for mDNS and SIP PnP, comma-separated (DESKPROV_DISCOVERY)')
    .option('--log <level>', 'log level (DESKPROV_LOG, default info)')
    .option('--config <file>', 'JSON config file (schema: docs/deskprov.schema.json); flags and environment win over it')
    .action(async ({ config: configPath, ...flags }: ConfigFlags & { config?: string }) => {
      const file = configPath === undefined ? {} : readConfig(configPath);
      const result = parseConfig(flags, io.env, systemFacts(), file);
      if (!result.ok) throw new ConfigRejected(result.errors);
      // Loaded on demand: the admin commands must not pay for the server's imports.
      const { serveUntilSignal } = await import('../../main.ts');
      setExit(await serveUntilSignal(result.config, { print: (line) => io.stderr(`${line}\n`) }));
    });
}

/** The config file's settings, or ConfigRejected naming the file and every bad key. */
export function readConfig(configPath: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (err) {
    throw new ConfigRejected([`--config: cannot read ${configPath} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const parsed = parseConfigFile(text, configPath);
  if (!parsed.ok) throw new ConfigRejected(parsed.errors);
  return parsed.file;
}
