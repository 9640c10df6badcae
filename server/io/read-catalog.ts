import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appError } from '../errors.ts';
import { buildCatalog, type BuildCatalogOptions, type CatalogEntry } from '../provisioning/catalog.ts';
import type { Catalog } from '../provisioning/types.ts';

/**
 * Reads every `<vendor>/<file>.json` directly below `dir` (sorted, so the catalogue and its
 * revision do not depend on directory order) and builds the catalogue. The only file-system code
 * of the catalogue; a file that is not JSON fails with its path like any other bad file.
 */
export function readCatalog(dir: string, options: BuildCatalogOptions = {}): Catalog {
  const entries: CatalogEntry[] = [];
  const vendors = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const vendor of vendors) {
    const names = readdirSync(join(dir, vendor), { withFileTypes: true })
      .filter((d) => d.isFile() && d.name.endsWith('.json'))
      .map((d) => d.name)
      .sort();
    for (const name of names) {
      const path = `${vendor}/${name}`;
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(join(dir, vendor, name), 'utf8'));
      } catch (err) {
        throw appError('INVALID_JSON', `firmware-profiles/${path}: ${(err as Error).message}`, {
          field: '(root)',
          details: { file: path },
        });
      }
      entries.push({ path, json });
    }
  }
  return buildCatalog(entries, options);
}
