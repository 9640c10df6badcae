import { parse } from 'csv-parse/sync';
import { appError } from '../errors.ts';
import { NETWORK_MAP_KINDS, type NetworkMapInput, type NetworkMapKind } from './network-map.ts';

/** Columns of a network map CSV; the header row names them, in any order, unknown ones refused. */
export const NETWORK_MAP_CSV_COLUMNS = ['locationId', 'kind', 'bssid', 'chassisId', 'chassisIdType', 'portId', 'cidr'] as const;

/** Rows an import takes at once; a site's wiremap is a few thousand ports. */
export const MAX_IMPORT_ROWS = 10_000;

/** One CSV row with the line it came from (1 = header), so errors can point at it. */
export interface NetworkMapRow extends NetworkMapInput {
  line: number;
}

/**
 * Parses a network map CSV (RFC 4180: quotes, embedded commas, CRLF). Empty cells are absent
 * fields. Shape errors (unknown column, bad kind, too many rows) stop the parse; content is
 * checked later per row by the domain so every bad row is reported with its line.
 */
export function parseNetworkMapCsv(text: string): NetworkMapRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // Short rows are fine (spreadsheets drop trailing empty cells); long ones are refused.
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count_less: true, info: true }) as unknown as typeof records;
  } catch (err) {
    throw appError('INVALID_FIELD', `csv is not valid CSV: ${(err as Error).message}`, { field: 'csv' });
  }
  const [first, ...rows] = records;
  const header = first?.record;
  if (header === undefined) throw appError('INVALID_FIELD', 'csv has no header row', { field: 'csv' });
  for (const name of header) {
    if (!(NETWORK_MAP_CSV_COLUMNS as readonly string[]).includes(name)) {
      throw appError('INVALID_FIELD', `csv column "${name}" is not one of ${NETWORK_MAP_CSV_COLUMNS.join(', ')}`, {
        field: 'csv',
      });
    }
  }
  if (rows.length > MAX_IMPORT_ROWS) {
    throw appError('INVALID_FIELD', `csv has ${rows.length} rows; at most ${MAX_IMPORT_ROWS} per import`, { field: 'csv' });
  }
  return rows.map(({ record: cells, info }) => {
    const line = info.lines;
    const row: Record<string, string> = {};
    header.forEach((name, c) => {
      const value = cells[c];
      if (value !== undefined && value !== '') row[name] = value;
    });
    const kind = row.kind ?? '';
    if (!(NETWORK_MAP_KINDS as readonly string[]).includes(kind)) {
      throw appError('INVALID_FIELD', `csv line ${line}: kind must be one of ${NETWORK_MAP_KINDS.join(', ')}`, {
        field: 'csv',
        details: { line },
      });
    }
    return { ...row, locationId: row.locationId ?? '', kind: kind as NetworkMapKind, line };
  });
}
