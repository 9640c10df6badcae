import { Writable } from 'node:stream';

/** A log destination that keeps every JSON line written to it, for tests that read logs. */
export function captureLog() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  /** The lines so far, parsed. */
  const records = (): Record<string, unknown>[] => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, records, destination };
}
