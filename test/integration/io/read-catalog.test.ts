import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../../server/errors.ts';
import { readCatalog } from '../../../server/io/read-catalog.ts';

const model = {
  id: 'acme/a1',
  vendor: 'acme',
  name: 'A1',
  family: 'desk',
  dialect: 'obihai',
  modelToken: 'a1',
  files: [{ name: '{mac}.xml', kind: 'device', template: 'device', secrets: true }],
  userAgent: { patterns: ['^Acme A1'], samples: ['Acme A1 1.0'] },
  lines: 1,
  keys: 0,
  oui: [],
};

describe('readCatalog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deskprov-catalog-'));
    mkdirSync(join(dir, 'acme'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the JSON files of each vendor folder and ignores everything else', () => {
    writeFileSync(join(dir, 'acme', 'a1.json'), JSON.stringify(model));
    writeFileSync(join(dir, 'acme', 'notes.txt'), 'not a model');
    writeFileSync(join(dir, 'schema.json'), '{"top-level files": "are not models"}');
    mkdirSync(join(dir, 'acme', 'old.json'));
    const catalog = readCatalog(dir);
    expect(catalog.all().map((m) => m.id)).toEqual(['acme/a1']);
  });

  it('stops with the file named when a file is not JSON', () => {
    writeFileSync(join(dir, 'acme', 'a1.json'), '{"id": "acme/a1",');
    try {
      readCatalog(dir);
      expect.unreachable('readCatalog should throw');
    } catch (err) {
      expect(isAppError(err) && err.code).toBe('INVALID_JSON');
      expect((err as Error).message).toContain('firmware-profiles/acme/a1.json');
    }
  });

  it('gives the same revision for the same files however often they are read', () => {
    writeFileSync(join(dir, 'acme', 'a1.json'), JSON.stringify(model));
    expect(readCatalog(dir).revision).toBe(readCatalog(dir).revision);
  });
});
