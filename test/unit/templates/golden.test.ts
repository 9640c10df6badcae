import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandName } from '../../../server/provisioning/dialect-kit.ts';
import { renderSample } from '../../helpers/render-sample.ts';
import { SAMPLE_MAC, SAMPLE_MODELS, standaloneSettings, userDeviceSettings } from '../../helpers/sample-models.ts';

/**
 * Golden files: every file of every sample model, for a user's device and a standalone device.
 * Regenerate only on purpose with `UPDATE_GOLDEN=1 npx vitest run test/unit/templates/golden.test.ts`
 * and review the diff: a missing golden file fails the test.
 */
const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const scenarios = {
  user: userDeviceSettings,
  standalone: (): ReturnType<typeof standaloneSettings> => standaloneSettings(),
} as const;

describe.each(Object.entries(SAMPLE_MODELS))('the %s dialect', (dialect, model) => {
  for (const [scenario, settingsOf] of Object.entries(scenarios)) {
    for (const file of model.files) {
      const name = `${scenario}--${expandName(file.name, model, SAMPLE_MAC)}`;
      it(`renders ${file.name} for a ${scenario} device exactly as golden/${dialect}/${name}`, () => {
        const rendered = renderSample(model, file, settingsOf(dialect));
        const path = join(GOLDEN, dialect, name);
        if (UPDATE) {
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, rendered.body);
        }
        expect(existsSync(path), `missing golden file ${dialect}/${name}`).toBe(true);
        expect(rendered.body.toString('utf8')).toBe(readFileSync(path, 'utf8'));
      });
    }
  }
});
