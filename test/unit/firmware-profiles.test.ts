import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { DIALECT_TEMPLATES, catalogJsonSchemaText } from '../../server/provisioning/catalog-schema.ts';
import { renderFileName } from '../../server/provisioning/file-pattern.ts';
import { identify } from '../../server/provisioning/identify.ts';

// The one unit test that reads disk: the shipped catalogue itself is what it checks (STYLE.md §3).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const profilesDir = join(root, 'firmware-profiles');
const catalog = readCatalog(profilesDir);

describe('the shipped firmware-profiles catalogue', () => {
  it('loads every model file against the schema and its cross-checks', () => {
    expect(catalog.all().length).toBeGreaterThanOrEqual(40);
  });

  it('covers at least ten dialect families', () => {
    const dialects = new Set(catalog.all().map((m) => m.dialect));
    expect(dialects.size).toBeGreaterThanOrEqual(10);
    for (const d of dialects) expect(Object.keys(DIALECT_TEMPLATES)).toContain(d);
  });

  it('keeps firmware-profiles/schema.json equal to the TypeBox schema it is generated from', () => {
    expect(readFileSync(join(profilesDir, 'schema.json'), 'utf8')).toBe(catalogJsonSchemaText());
  });

  it('has a templates folder for the dialect of every model', () => {
    for (const m of catalog.all()) {
      const dir = join(root, 'templates', m.dialect);
      expect(existsSync(dir) && statSync(dir).isDirectory(), `${m.id}: templates/${m.dialect}/`).toBe(true);
    }
  });

  it('gives every model at least one file that carries its secrets under a per-device name', () => {
    for (const m of catalog.all()) {
      const device = m.files.filter((f) => f.kind === 'device');
      expect(device.length, m.id).toBeGreaterThan(0);
      for (const f of device) expect(renderFileName(f.name, m.modelToken, '001565aabbcc'), m.id).toMatch(/001565aabbcc/i);
    }
  });

  it('marks the source of every User-Agent sample', () => {
    for (const m of catalog.all()) {
      expect(m.userAgent.sampleSources?.length ?? 0, m.id).toBe(m.userAgent.samples.length);
    }
  });

  it('pins firmware only with a file name and a version, and a digest only when it is a real sha256', () => {
    for (const m of catalog.all().filter((x) => x.firmware !== undefined)) {
      expect(m.firmware?.file.length, m.id).toBeGreaterThan(0);
      expect(m.firmware?.version.length, m.id).toBeGreaterThan(0);
      if (m.firmware?.sha256 !== undefined) expect(m.firmware.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('finds every file of every model under a generated name, with the vendor MAC case', () => {
    const mac = '0c383e2cd782';
    for (const m of catalog.all()) {
      for (const f of m.files) {
        const name = renderFileName(f.name, m.modelToken, mac);
        for (const asked of [name, `/${name.toUpperCase()}`, name.toLowerCase()]) {
          const hit = identify(catalog, { path: asked })?.candidates?.find((c) => c.model.id === m.id && c.file === f);
          expect(hit?.canonicalName, `${m.id} ${asked}`).toBe(name);
        }
      }
    }
  });

  it('identifies every UA sample of every model as that model, on each of its files', () => {
    for (const m of catalog.all()) {
      for (const ua of m.userAgent.samples) {
        for (const f of m.files) {
          const ident = identify(catalog, { path: renderFileName(f.name, m.modelToken, '0c383e2cd782'), userAgent: ua });
          expect(ident?.models.map((x) => x.id), `${m.id} ${f.name} ${ua}`).toEqual([m.id]);
        }
      }
    }
  });

  it('names the Yealink common file after the firmware family the UA reports (VENDORS.md §1)', () => {
    // "Field 3 is the firmware; its first number is the family XX of the common file."
    for (const m of catalog.all().filter((x) => x.dialect === 'yealink')) {
      for (const ua of m.userAgent.samples) {
        const firmware = identify(catalog, { path: 'y000000000000.boot', userAgent: ua })?.firmware ?? '';
        expect(Number(firmware.split('.')[0]), `${m.id} ${ua}`).toBe(Number(m.modelToken));
      }
    }
  });
});
