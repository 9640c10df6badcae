/** Where a command writes: injected so tests read exactly what a user would see. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal: progress bars are drawn only then. */
  isTty: boolean;
  env: Record<string, string | undefined>;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    env: process.env,
  };
}

/** One cell as text: nested values as compact JSON, missing as an empty cell. */
export function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/[\x00-\x1f\x7f]/g, '?');
}

/** Reads a dotted path (`binding.extension.number`) from an object. */
export function pathValue(item: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = item;
  for (const key of dotted.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/** A plain left-aligned table; control characters are neutralised so a label cannot move the cursor. */
export function table(items: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const rows = items.map((item) => columns.map((column) => cell(pathValue(item, column))));
  const headers = columns.map((column) => column.split('.')[0]?.toUpperCase() ?? column);
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((text, i) => text.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** One object as `key: value` lines. */
export function details(item: Record<string, unknown>): string {
  return Object.entries(item).map(([key, value]) => `${key}: ${cell(value)}`).join('\n') + '\n';
}

/** Prints a result either as JSON (`--json`) or for a person. */
export function print(io: CliIo, json: boolean, value: unknown, human: () => string): void {
  io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : human());
}
