import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentReport } from '../server/domain/e911-evidence.ts';

const NAME = /^(\d{12})\.json$/;
const TEMP_PREFIX = '.tmp-';

/** One queued report and the file holding it. */
export interface QueuedReport {
  name: string;
  report: AgentReport;
}

/**
 * Reports waiting for the server, one file each in a folder, in the order they were made.
 * A file appears whole or not at all (written to a temp name, flushed, then renamed: rename is
 * atomic within a file system), so a crash or power cut never leaves half a report. A report is
 * removed only once the server took it; its `id` makes a resend after a crash harmless.
 */
export class ReportQueue {
  private nextSeq = 1;

  constructor(readonly dir: string) {}

  /** Creates the folder, drops temp files a crash left behind, and continues the numbering. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      if (name.startsWith(TEMP_PREFIX)) await rm(join(this.dir, name), { force: true });
    }
    const names = await this.names();
    const last = names.at(-1);
    this.nextSeq = last === undefined ? 1 : Number(NAME.exec(last)![1]) + 1;
  }

  async enqueue(report: AgentReport): Promise<string> {
    const name = `${String(this.nextSeq).padStart(12, '0')}.json`;
    this.nextSeq += 1;
    const temp = join(this.dir, `${TEMP_PREFIX}${name}`);
    const file = await open(temp, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify(report));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, join(this.dir, name));
    return name;
  }

  /** File names of the queued reports, oldest first. */
  async names(): Promise<string[]> {
    const names = (await readdir(this.dir)).filter((n) => NAME.test(n));
    return names.sort();
  }

  async size(): Promise<number> {
    return (await this.names()).length;
  }

  /**
   * The oldest report. A file that does not parse (disk damage) is moved to `rejected/` so it
   * cannot block the queue, and the next one is returned.
   */
  async head(): Promise<QueuedReport | null> {
    for (const name of await this.names()) {
      try {
        const report = JSON.parse(await readFile(join(this.dir, name), 'utf8')) as AgentReport;
        if (typeof report.id === 'string') return { name, report };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      }
      await this.reject(name);
    }
    return null;
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, name), { force: true });
  }

  /** Keeps a report the server refused for good, for a person to look at, out of the queue. */
  async reject(name: string): Promise<void> {
    await mkdir(join(this.dir, 'rejected'), { recursive: true });
    await rename(join(this.dir, name), join(this.dir, 'rejected', name)).catch(() => undefined);
  }
}
