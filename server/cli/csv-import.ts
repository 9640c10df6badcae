import { parse } from 'csv-parse/sync';
import { tryParseMac } from '../domain/mac-address.ts';

/**
 * The import file: users and devices in one CSV, one row each, with a header line. `site` is a
 * site id (or a site name, which the command looks up). A device row names its user by `email` (a user in the same file or already on the server), or sets
 * `standalone` to true for a device with its own extension. Example:
 *
 *     type,name,email,site,extension,role,mac,model,label,standalone
 *     user,Ada Lovelace,ada@example.com,berlin,1001,,,,,
 *     device,,ada@example.com,berlin,,,00:15:65:aa:bb:cc,yealink/t54w,,
 *     device,,,berlin,,,0004f2123456,poly/vvx450,Lobby,true
 */
export const IMPORT_COLUMNS = ['type', 'name', 'email', 'site', 'extension', 'role', 'mac', 'model', 'label', 'standalone'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** A row as `POST /api/v1/import` takes it (server/http/schemas/import.ts). */
export interface UserRow {
  line: number;
  kind: 'user';
  name: string;
  email: string;
  siteId: string;
  extension?: number;
  role?: string;
}

export interface DeviceRow {
  line: number;
  kind: 'device';
  mac: string;
  model: string;
  siteId: string;
  /** Email of the user the device is bound to; absent for a standalone device. */
  userEmail?: string;
  standalone?: true;
  label?: string;
}

export type ImportRow = UserRow | DeviceRow;

/** A row problem found locally or by the server, with the file's line number. */
export interface RowProblem {
  line: number;
  field?: string;
  message: string;
}

export interface ParsedImport {
  rows: ImportRow[];
  problems: RowProblem[];
}

const CONTROL = /[\x00-\x1f\x7f]/;
const TRUE = new Set(['true', 'yes', '1', 'y']);
const FALSE = new Set(['', 'false', 'no', '0', 'n']);

/**
 * Parses and checks an import file as far as can be done without the server (shape, MACs,
 * required fields, control characters). The server checks the rest (sites, models, duplicates,
 * ranges) when the rows are posted, and writes nothing unless every row is good.
 */
export function parseImportCsv(text: string, onRow: (done: number, total: number) => void = () => {}): ParsedImport {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    return { rows: [], problems: [{ line, message: `not valid CSV: ${(err as Error).message}` }] };
  }
  const [header, ...body] = records;
  if (header === undefined) return { rows: [], problems: [{ line: 1, message: 'the file is empty' }] };

  const columns = header.map((name) => name.toLowerCase());
  const unknown = columns.filter((name) => !(IMPORT_COLUMNS as readonly string[]).includes(name));
  const missing = ['type', 'site'].filter((name) => !columns.includes(name));
  if (unknown.length > 0 || missing.length > 0) {
    const parts = [
      ...(unknown.length > 0 ? [`unknown columns: ${unknown.join(', ')}`] : []),
      ...(missing.length > 0 ? [`missing columns: ${missing.join(', ')}`] : []),
    ];
    return { rows: [], problems: [{ line: 1, message: `${parts.join('; ')} (columns: ${IMPORT_COLUMNS.join(',')})` }] };
  }

  const rows: ImportRow[] = [];
  const problems: RowProblem[] = [];
  body.forEach((record, index) => {
    // Header is line 1; blank lines are skipped by the parser, so count from the record itself.
    const line = index + 2;
    const cells = Object.fromEntries(columns.map((name, i) => [name, record[i] ?? ''])) as Record<ImportColumn, string>;
    const result = checkRow(line, cells);
    if ('problem' in result) problems.push(result.problem);
    else rows.push(result.row);
    onRow(index + 1, body.length);
  });
  if (body.length === 0) problems.push({ line: 1, message: 'the file has a header but no rows' });
  return { rows, problems };
}

function checkRow(line: number, cells: Record<ImportColumn, string | undefined>): { row: ImportRow } | { problem: RowProblem } {
  const get = (name: ImportColumn) => cells[name] ?? '';
  for (const name of IMPORT_COLUMNS) {
    if (CONTROL.test(get(name))) return { problem: { line, field: name, message: `${name} contains a control character` } };
  }
  const required = (names: ImportColumn[]) => names.find((name) => get(name) === '');

  if (get('type') === 'user') {
    const absent = required(['name', 'email', 'site']);
    if (absent) return { problem: { line, field: absent, message: `${absent} is required for a user` } };
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(get('email'))) {
      return { problem: { line, field: 'email', message: 'email is not an email address' } };
    }
    const extension = get('extension');
    if (extension !== '' && !/^\d{1,15}$/.test(extension)) {
      return { problem: { line, field: 'extension', message: 'extension must be digits' } };
    }
    return {
      row: {
        line,
        kind: 'user',
        name: get('name'),
        email: get('email'),
        siteId: get('site'),
        ...(extension !== '' ? { extension: Number(extension) } : {}),
        ...(get('role') !== '' ? { role: get('role') } : {}),
      },
    };
  }

  if (get('type') === 'device') {
    const absent = required(['mac', 'model', 'site']);
    if (absent) return { problem: { line, field: absent, message: `${absent} is required for a device` } };
    const mac = tryParseMac(get('mac'));
    if (mac === null) return { problem: { line, field: 'mac', message: `"${get('mac')}" is not a valid unicast MAC address` } };
    if (!/^[a-z0-9-]+\/[a-z0-9._-]+$/.test(get('model'))) {
      return { problem: { line, field: 'model', message: 'model must be a catalogue id like yealink/t54w' } };
    }
    const standaloneText = get('standalone').toLowerCase();
    if (!TRUE.has(standaloneText) && !FALSE.has(standaloneText)) {
      return { problem: { line, field: 'standalone', message: 'standalone must be true or false' } };
    }
    const standalone = TRUE.has(standaloneText);
    if (standalone === (get('email') !== '')) {
      return { problem: { line, field: 'email', message: 'a device needs exactly one of email (its user) and standalone=true' } };
    }
    return {
      row: {
        line,
        kind: 'device',
        mac,
        model: get('model'),
        siteId: get('site'),
        ...(standalone ? { standalone: true as const } : { userEmail: get('email') }),
        ...(get('label') !== '' ? { label: get('label') } : {}),
      },
    };
  }

  return { problem: { line, field: 'type', message: 'type must be user or device' } };
}

/** Row problems the server reported (`details.errors` of its IMPORT_REJECTED), if any. */
export function serverProblems(details: Record<string, unknown> | undefined): RowProblem[] {
  const rows = details?.errors;
  if (!Array.isArray(rows)) return [];
  return rows.filter(
    (row): row is RowProblem => typeof row === 'object' && row !== null && typeof (row as RowProblem).line === 'number',
  );
}

/** The report a person reads: one line per bad row, in file order. */
export function problemReport(problems: readonly RowProblem[]): string {
  return [...problems]
    .sort((a, b) => a.line - b.line)
    .map((problem) => `line ${problem.line}${problem.field ? ` (${problem.field})` : ''}: ${problem.message}`)
    .join('\n');
}

/**
 * Lets the file name sites by name: a `site` that is not a known id but is exactly one site's
 * name becomes that site's id. Anything else is left for the server to refuse.
 */
export function resolveSiteNames(rows: readonly ImportRow[], sites: readonly { id: string; name: string }[]): ImportRow[] {
  const ids = new Set(sites.map((site) => site.id));
  const byName = new Map<string, string | null>();
  for (const site of sites) byName.set(site.name, byName.has(site.name) ? null : site.id);
  return rows.map((row) => {
    const id = ids.has(row.siteId) ? undefined : byName.get(row.siteId);
    return id ? { ...row, siteId: id } : row;
  });
}
