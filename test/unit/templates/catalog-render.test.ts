import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../../server/io/read-catalog.ts';
import { dialects } from '../../../server/provisioning/render.ts';
import { READERS } from '../../helpers/readers/index.ts';
import { renderSample } from '../../helpers/render-sample.ts';
import { standaloneSettings, userDeviceSettings } from '../../helpers/sample-models.ts';

/** Every real catalogue model: each of its files renders and reads back with its dialect's reader. */
const catalog = readCatalog(fileURLToPath(new URL('../../../firmware-profiles/', import.meta.url)));

describe('the real catalogue', () => {
  it('has a registered dialect with every template its models name', () => {
    for (const model of catalog.all()) {
      const dialect = dialects.get(model.dialect);
      expect(dialect, model.id).toBeDefined();
      for (const file of model.files) expect(dialect?.templates, `${model.id} ${file.name}`).toContain(file.template);
    }
  });

  it.each(catalog.all().map((m) => [m.id, m] as const))('renders every file of %s, which reads back', (_id, model) => {
    for (const settings of [{ ...userDeviceSettings(model.dialect), raw: {} }, standaloneSettings()]) {
      for (const file of model.files) {
        const body = renderSample(model, file, settings).body.toString('utf8');
        const reader = READERS[model.dialect];
        expect(reader, model.dialect).toBeDefined();
        expect(body.length, `${model.id} ${file.name}`).toBeGreaterThan(0);
        // The reader throws on anything that is not a well-formed setting of the dialect.
        expect(reader?.(file.template, body)).toBeInstanceOf(Map);
      }
    }
  });
});
