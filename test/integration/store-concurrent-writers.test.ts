import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { SYSTEM } from '../../server/services/context.ts';
import { createServices } from '../../server/services/index.ts';
import { openDatabase } from '../../server/store/database.ts';

const REPO = join(import.meta.dirname, '..', '..');
const CATALOG = join(REPO, 'firmware-profiles');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deskprov-writers-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function runProcess(data: Record<string, unknown>): Promise<number[]> {
  const script = join(import.meta.dirname, 'helpers', 'allocate-process.ts');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, JSON.stringify(data)], { cwd: REPO }, (err, stdout) => {
      if (err) reject(err);
      else resolve(JSON.parse(stdout) as number[]);
    });
  });
}

describe('writers in separate processes', () => {
  it('never hand out the same extension when four processes allocate at once', async () => {
    const file = join(dir, 'deskprov.db');
    const db = openDatabase(file);
    const services = createServices({ db, catalog: readCatalog(CATALOG) });
    const site = services.sites.create(SYSTEM, {
      name: 'HQ',
      timezone: 'UTC',
      networks: [],
      extensionRange: { first: 100, last: 199 },
      registrar: { host: 'pbx' },
    });
    db.close();

    const results = await Promise.all(
      [0, 1, 2, 3].map((w) => runProcess({ file, catalogDir: CATALOG, siteId: site.id, macBase: w * 1000 + 1, count: 25 })),
    );
    const numbers = results.flat().sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
  });
});
