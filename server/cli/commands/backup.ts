import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../context.ts';
import type { CliIo } from '../output.ts';

/** The data folder as `deskprov serve` resolves it: `--data`, then DESKPROV_DATA, then ./data. */
export function dataDirOf(flag: string | undefined, io: CliIo): string {
  const raw = flag ?? (io.env.DESKPROV_DATA === '' ? undefined : io.env.DESKPROV_DATA) ?? 'data';
  return path.resolve(process.cwd(), raw);
}

/** Runs a data-folder command; a refused backup is the user's problem to fix, so exit 1 with its message. */
async function guarded<T>(run: () => Promise<T>): Promise<T> {
  const { BackupRejected } = await import('../../backup/backup-archive.ts');
  try {
    return await run();
  } catch (err) {
    if (err instanceof BackupRejected) throw new Error(err.message);
    throw err;
  }
}

/**
 * `deskprov backup <file|folder> [--keep N]` and `deskprov restore <file> [--reset-admin]`:
 * they work on the data folder directly (no API), so they run on the server's machine.
 */
export function backupCommands(program: Command, io: CliIo): void {
  program
    .command('backup')
    .description('write a backup of the database (safe while the server runs) with a firmware manifest')
    .argument('<target>', 'backup file, or an existing folder to name it in')
    .option('--data <dir>', 'data folder (DESKPROV_DATA, default ./data)')
    .option('--keep <n>', 'keep only the newest N backups of this installation in the target folder')
    .action(async (target: string, flags: { data?: string; keep?: string }) => {
      const keep = flags.keep === undefined ? undefined : Number(flags.keep);
      if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) throw new UsageError('--keep must be a whole number of at least 1');
      const { createBackup } = await import('../../backup/backup-service.ts');
      const result = await guarded(() => createBackup({ dataDir: dataDirOf(flags.data, io), target, ...(keep === undefined ? {} : { keep }) }));
      io.stdout(
        `backup written: ${result.file}\n  installation ${result.header.installationId}, ${result.header.database.bytes} bytes, ` +
          `sha256 ${result.header.database.sha256}, ${result.header.firmware.length} firmware images listed\n` +
          `  secrets stay sealed: keep a copy of secret.key (key ${result.header.sealedWith.join(', ') || 'none'}) somewhere else\n`,
      );
      for (const file of result.removed) io.stdout(`removed old backup: ${file}\n`);
    });

  program
    .command('restore')
    .description('restore a backup into the data folder (stop the server first)')
    .argument('<file>', 'backup file written by deskprov backup')
    .option('--data <dir>', 'data folder (DESKPROV_DATA, default ./data)')
    .option('--reset-admin', 'revoke every API token; the next start prints a new super-admin token')
    .action(async (file: string, flags: { data?: string; resetAdmin?: boolean }) => {
      const { restoreBackup } = await import('../../backup/backup-service.ts');
      const result = await guarded(() => restoreBackup({ dataDir: dataDirOf(flags.data, io), file, resetAdmin: flags.resetAdmin === true }));
      io.stdout(`restored installation ${result.header.installationId} as of ${result.header.createdAt}\n`);
      if (result.previous !== null) io.stdout(`the replaced database is kept at ${result.previous}\n`);
      if (flags.resetAdmin === true) io.stdout(`${result.revokedTokens} API tokens revoked; the next start prints a new super-admin token\n`);
      for (const problem of result.firmwareProblems) io.stderr(`warning: firmware ${problem}\n`);
    });
}
