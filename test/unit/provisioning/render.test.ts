import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../server/errors.ts';
import { dialects, renderFile } from '../../../server/provisioning/render.ts';
import { sampleInput } from '../../helpers/render-sample.ts';
import { SAMPLE_MODELS, userDeviceSettings } from '../../helpers/sample-models.ts';

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : 'OTHER';
  }
  return undefined;
}

describe('renderFile', () => {
  it('registers one dialect per templates/ folder, each able to render its sample model’s files', () => {
    const folders = readdirSync(new URL('../../../templates/', import.meta.url), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect([...dialects.keys()].sort()).toEqual(folders);
    for (const [id, model] of Object.entries(SAMPLE_MODELS)) {
      const templates = dialects.get(id)?.templates ?? [];
      for (const file of model.files) expect(templates).toContain(file.template);
    }
  });

  it('dispatches on the model’s dialect', () => {
    const model = SAMPLE_MODELS.aastra;
    if (model === undefined) throw new Error('sample missing');
    const file = model.files[0];
    if (file === undefined) throw new Error('sample missing');
    const out = renderFile(sampleInput(model, file, userDeviceSettings('aastra')));
    expect(out.body.toString('utf8')).toContain('time zone minutes: -60');
  });

  it('refuses an unknown dialect with UNKNOWN_MODEL and an unknown template with NOT_FOUND', () => {
    const model = SAMPLE_MODELS.yealink;
    const file = model?.files[0];
    if (model === undefined || file === undefined) throw new Error('sample missing');
    const settings = userDeviceSettings('yealink');
    expect(errorCode(() => renderFile(sampleInput({ ...model, dialect: 'nope' }, file, settings)))).toBe('UNKNOWN_MODEL');
    expect(errorCode(() => renderFile(sampleInput(model, { ...file, template: 'nope' }, settings)))).toBe('NOT_FOUND');
    expect(errorCode(() => renderFile(sampleInput(model, { ...file, template: 'constructor' }, settings)))).toBe('NOT_FOUND');
  });

  it('refuses a per-device template rendered without a MAC', () => {
    const model = SAMPLE_MODELS.grandstream;
    const file = model?.files.find((f) => f.kind === 'device');
    if (model === undefined || file === undefined) throw new Error('sample missing');
    const input = { ...sampleInput(model, file, userDeviceSettings('grandstream')) };
    delete input.mac;
    expect(errorCode(() => renderFile(input))).toBe('BAD_REQUEST');
  });
});
