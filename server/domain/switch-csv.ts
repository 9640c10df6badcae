import { parse } from 'csv-parse/sync';
import { appError } from '../errors.ts';
import type { SwitchInput } from './switch-inventory.ts';

/** Columns of a switch CSV, named in the header row in any order; unknown ones are refused. */
export const SWITCH_CSV_COLUMNS = [
  'name',
  'host',
  'port',
  'siteId',
  'version',
  'community',
  'user',
  'authProtocol',
  'authKey',
  'privProtocol',
  'privKey',
  'uplinkPorts',
  'chassisId',
] as const;

/** A site has tens to hundreds of access switches; an import takes at most this many. */
export const MAX_SWITCH_ROWS = 2_000;

export interface SwitchCsvRow extends SwitchInput {
  line: number;
}

/**
 * Parses a switch inventory CSV (RFC 4180). `version` is `2c` (with `community`) or `3` (with
 * `user` and optional keys); `uplinkPorts` lists port names separated by `;`. Parse errors name
 * the line but never quote the text: the file carries communities and keys.
 */
export function parseSwitchCsv(text: string): SwitchCsvRow[] {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count_less: true, info: true }) as unknown as typeof records;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw appError('INVALID_FIELD', `csv is not valid CSV${line === undefined ? '' : ` (near line ${line})`}`, { field: 'csv' });
  }
  const [first, ...rows] = records;
  const header = first?.record;
  if (header === undefined) throw appError('INVALID_FIELD', 'csv has no header row', { field: 'csv' });
  for (const name of header) {
    if (!(SWITCH_CSV_COLUMNS as readonly string[]).includes(name)) {
      throw appError('INVALID_FIELD', `csv column "${name}" is not one of ${SWITCH_CSV_COLUMNS.join(', ')}`, { field: 'csv' });
    }
  }
  if (rows.length > MAX_SWITCH_ROWS) {
    throw appError('INVALID_FIELD', `csv has ${rows.length} rows; at most ${MAX_SWITCH_ROWS} per import`, { field: 'csv' });
  }
  return rows.map(({ record: cells, info }) => {
    const cell: Record<string, string> = {};
    header.forEach((name, c) => {
      const value = cells[c];
      if (value !== undefined && value !== '') cell[name] = value;
    });
    const snmp: Record<string, string> = { version: cell.version ?? '2c' };
    for (const key of ['community', 'user', 'authProtocol', 'authKey', 'privProtocol', 'privKey'] as const) {
      if (cell[key] !== undefined) snmp[key] = cell[key];
    }
    const port = cell.port === undefined ? undefined : /^\d{1,5}$/.test(cell.port) ? Number(cell.port) : cell.port;
    return {
      line: info.lines,
      name: cell.name,
      host: cell.host,
      snmp,
      ...(port === undefined ? {} : { port }),
      ...(cell.siteId === undefined ? {} : { siteId: cell.siteId }),
      ...(cell.uplinkPorts === undefined ? {} : { uplinkPorts: cell.uplinkPorts.split(';').map((p) => p.trim()).filter((p) => p !== '') }),
      ...(cell.chassisId === undefined ? {} : { chassisId: cell.chassisId }),
    };
  });
}
