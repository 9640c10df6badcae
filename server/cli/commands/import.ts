import fs from 'node:fs';
import type { Command } from 'commander';
import { ApiError, itemsOf } from '../api-client.ts';
import {
  IMPORT_COLUMNS,
  parseImportCsv,
  problemReport,
  resolveSiteNames,
  serverProblems,
  type RowProblem,
} from '../csv-import.ts';
import { print, type CliIo } from '../output.ts';
import { progressBar, type Progress } from '../progress.ts';
import { action } from './resource.ts';

/** Signals a failed import whose report was already printed. */
export class ImportRejected extends Error {
  constructor(readonly problems: RowProblem[]) {
    super(`import refused: ${problems.length} bad row(s); nothing was imported`);
    this.name = 'ImportRejected';
  }
}

export function importCommand(program: Command, io: CliIo): void {
  program
    .command('import <csv>')
    .description(
      `import users and devices from one CSV file, all or nothing (columns: ${IMPORT_COLUMNS.join(',')})`,
    )
    .action(
      action(io, async (ctx, file: string) => {
        const text = fs.readFileSync(file, 'utf8');
        let bar: Progress | undefined;
        const parsed = parseImportCsv(text, (done, total) => {
          bar ??= progressBar(ctx.io.stdout, ctx.io.isTty && !ctx.json, total, 'checking');
          bar.update(done);
        });
        bar?.finish();
        if (parsed.problems.length > 0) reject(ctx.io, ctx.json, parsed.problems);

        let result: Record<string, unknown>;
        try {
          const sites = itemsOf(await ctx.client.get('/api/v1/sites?limit=500')).map((site) => ({
            id: String(site.id),
            name: String(site.name),
          }));
          const rows = resolveSiteNames(parsed.rows, sites);
          result = await ctx.client.post<Record<string, unknown>>('/api/v1/import', { rows });
        } catch (err) {
          const problems = err instanceof ApiError ? serverProblems(err.details) : [];
          if (problems.length > 0) reject(ctx.io, ctx.json, problems);
          throw err;
        }
        print(ctx.io, ctx.json, result, () => {
          const users = parsed.rows.filter((row) => row.kind === 'user').length;
          return `imported ${users} user(s) and ${parsed.rows.length - users} device(s)\n`;
        });
      }),
    );
}

function reject(io: CliIo, json: boolean, problems: RowProblem[]): never {
  if (json) io.stdout(`${JSON.stringify({ imported: false, problems }, null, 2)}\n`);
  else io.stderr(`${problemReport(problems)}\n`);
  throw new ImportRejected(problems);
}
