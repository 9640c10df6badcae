import { Command, CommanderError } from 'commander';
import { ApiError } from './api-client.ts';
import { DEFAULT_SERVER, UsageError } from './context.ts';
import { processIo, type CliIo } from './output.ts';
import { backupCommands } from './commands/backup.ts';
import { devicesCommand } from './commands/devices.ts';
import { dhcpCommand } from './commands/dhcp.ts';
import { doctorCommand } from './commands/doctor.ts';
import { importCommand, ImportRejected } from './commands/import.ts';
import { keysCommand } from './commands/keys.ts';
import { migrateCommand } from './commands/migrate.ts';
import { numbersCommand } from './commands/numbers.ts';
import { profilesCommand } from './commands/profiles.ts';
import { rolloutsCommand } from './commands/rollouts.ts';
import { serveCommand } from './commands/serve.ts';
import { sitesCommand } from './commands/sites.ts';
import { switchesCommand } from './commands/switches.ts';
import { tokensCommand } from './commands/tokens.ts';
import { usersCommand } from './commands/users.ts';

/** Exit codes: 0 success, 1 the operation failed, 2 bad usage or configuration. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Builds the command tree; output goes to `io`, so tests see what a user would. */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('deskprov')
    .description('deskprov: desk-phone provisioning server and its admin client')
    .option('--server <url>', `server URL (DESKPROV_SERVER, default ${DEFAULT_SERVER})`)
    .option('--token <token>', 'API token (DESKPROV_TOKEN)')
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  serveCommand(program, io, setExit);
  sitesCommand(program, io);
  usersCommand(program, io);
  devicesCommand(program, io);
  profilesCommand(program, io);
  numbersCommand(program, io);
  tokensCommand(program, io);
  importCommand(program, io);
  switchesCommand(program, io);
  rolloutsCommand(program, io);
  backupCommands(program, io);
  keysCommand(program, io);
  migrateCommand(program, io);
  dhcpCommand(program, io);
  doctorCommand(program, io, setExit);
  // exitOverride and output settings are not inherited by subcommands added before them.
  for (const command of allCommands(program)) {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...allCommands(child)]);
}

/**
 * Runs one CLI invocation (`argv` as in `process.argv`) and resolves with its exit code.
 * Failures print the server's message (never a stack trace) to stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (err) {
    return reportFailure(io, err);
  }
}

function reportFailure(io: CliIo, err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version are "errors" to commander; their text is already printed.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof ImportRejected) {
    io.stderr(`error: ${err.message}\n`);
    return EXIT.failed;
  }
  if (err instanceof ApiError) {
    const field = err.field ? ` (${err.field})` : '';
    io.stderr(`error: ${err.code}${field}: ${err.message}\n`);
    return EXIT.failed;
  }
  if (err instanceof UsageError) {
    io.stderr(err.message.split('\n').map((line) => `error: ${line}\n`).join(''));
    return EXIT.usage;
  }
  io.stderr(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return EXIT.failed;
}
