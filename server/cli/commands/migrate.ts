import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../context.ts';
import { table, type CliIo } from '../output.ts';

const SQLITE_SCHEME = 'sqlite:';
const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * `deskprov migrate --from sqlite:<file> --to postgres://…`: copies the embedded database into an
 * empty PostgreSQL one so several servers can share it (docs/DEPLOY.md "Moving to PostgreSQL").
 * The URL may carry a password, so no message ever repeats it.
 */
export function migrateCommand(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('copy the SQLite database into an empty PostgreSQL database (stop the server first)')
    .requiredOption('--from <source>', 'sqlite:<path to deskprov.db>')
    .option('--to <url>', 'postgres:// or postgresql:// URL of an empty database (DESKPROV_DB)')
    .action(async (flags: { from: string; to?: string }) => {
      const sqliteFile = sqliteFileOf(flags.from);
      const databaseUrl = postgresUrlOf(flags.to ?? (io.env.DESKPROV_DB === '' ? undefined : io.env.DESKPROV_DB));
      const { copySqliteToPostgres } = await import('../../store/copy-database.ts');
      const report = await copySqliteToPostgres(sqliteFile, databaseUrl).catch((err: unknown) => {
        throw new Error(withoutSecret(err instanceof Error ? err.message : String(err), databaseUrl));
      });
      const rows = report.tables
        .map((t) => ({ table: t.table, sqlite: t.sourceRows, postgresql: t.targetRows }))
        .sort((a, b) => a.table.localeCompare(b.table));
      io.stdout(table(rows, ['table', 'sqlite', 'postgresql']));
      const total = report.tables.reduce((sum, t) => sum + t.targetRows, 0);
      io.stdout(`copied ${total} rows in ${report.tables.length} tables in ${(report.elapsedMs / 1000).toFixed(1)} s; row counts match\n`);
      const keyFile = path.join(path.dirname(sqliteFile), 'secret.key');
      io.stdout(`start every instance with DESKPROV_DB set and a copy of ${keyFile} in its data folder\n`);
    });
}

function sqliteFileOf(from: string): string {
  if (!from.startsWith(SQLITE_SCHEME) || from.length === SQLITE_SCHEME.length) {
    throw new Error('--from must be sqlite:<path to deskprov.db>');
  }
  return path.resolve(process.cwd(), from.slice(SQLITE_SCHEME.length));
}

function postgresUrlOf(to: string | undefined): string {
  if (to === undefined) throw new UsageError('--to (or DESKPROV_DB) must name the PostgreSQL database to copy into');
  if (!POSTGRES_URL.test(to) || !URL.canParse(to)) throw new Error('--to must be a postgres:// or postgresql:// URL');
  return to;
}

/** A driver message might quote the URL or its password; the user sees neither. */
function withoutSecret(message: string, url: string): string {
  const password = decodeURIComponent(new URL(url).password);
  let text = message.split(url).join('<the --to URL>');
  if (password !== '') text = text.split(password).join('***');
  return text;
}
