import { describe, expect, it } from 'vitest';
import { READERS, FIELD_KEYS } from '../../helpers/readers/index.ts';
import { renderSample } from '../../helpers/render-sample.ts';
import { SAMPLE_DIRECTORY, SAMPLE_MODELS, SAMPLE_RAW, standaloneSettings, userDeviceSettings } from '../../helpers/sample-models.ts';
import type { CanonicalSettings, ModelFile, ModelProfile } from '../../../server/provisioning/types.ts';

/** Dialects whose config has no place for per-device HTTP credentials (TFTP-only enterprise Cisco). */
const NO_CREDENTIALS = new Set(['cisco-sep']);
/** Dialects that report events to the status endpoint (Cisco and Obihai have no action URLs). */
const WITH_EVENTS = new Set(['yealink', 'poly', 'snom', 'fanvil', 'aastra', 'grandstream']);

function read(dialect: string, file: ModelFile, model: ModelProfile, settings: CanonicalSettings): Map<string, string> {
  const reader = READERS[dialect];
  if (reader === undefined) throw new Error(`no reader for ${dialect}`);
  return reader(file.template, renderSample(model, file, settings).body.toString('utf8'));
}

function deviceFile(model: ModelProfile): ModelFile {
  const file = model.files.find((f) => f.kind === 'device');
  if (file === undefined) throw new Error(`${model.id} has no device file`);
  return file;
}

function allValues(dialect: string, model: ModelProfile, settings: CanonicalSettings): string[] {
  return model.files.flatMap((f) => [...read(dialect, f, model, settings).values()]);
}

describe.each(Object.entries(SAMPLE_MODELS))('reading back %s files', (dialect, model) => {
  const keys = FIELD_KEYS[dialect];
  if (keys === undefined) throw new Error(`no field keys for ${dialect}`);

  it('yields line 1 exactly as the settings give it', () => {
    const settings = userDeviceSettings(dialect);
    const line = settings.lines[0];
    const got = read(dialect, deviceFile(model), model, settings);
    expect(got.get(keys.displayName)).toBe(line?.displayName);
    expect(got.get(keys.label)).toBe(line?.label);
    expect(got.get(keys.secret)).toBe(line?.secret);
  });

  it('applies every raw profile key, a raw key overriding the generated one', () => {
    const settings = userDeviceSettings(dialect);
    const values = [...read(dialect, deviceFile(model), model, settings).values()];
    for (const value of Object.values(SAMPLE_RAW[dialect] ?? {})) expect(values).toContain(value);
    const ntp = read(dialect, deviceFile(model), model, settings).get(keys.ntp);
    const overridesNtp = Object.values(SAMPLE_RAW[dialect] ?? {}).includes('ntp.raw.example');
    expect(ntp).toBe(overridesNtp ? 'ntp.raw.example' : 'pool.ntp.org');
  });

  it('renders no line or key beyond the model’s caps', () => {
    const values = allValues(dialect, model, userDeviceSettings(dialect));
    expect(values.join('\n')).not.toContain('beyond-model-cap');
    expect(values.join('\n')).not.toContain('Not Rendered');
    expect(values.join('\n')).not.toContain('Beyond key cap');
  });

  it('puts secrets only in the device file', () => {
    const settings = userDeviceSettings(dialect);
    for (const file of model.files.filter((f) => f.kind !== 'device')) {
      const text = [...read(dialect, file, model, settings).values()].join('\n');
      expect(text).not.toContain('s3cret');
      expect(text).not.toContain('prov-pass');
    }
    const device = [...read(dialect, deviceFile(model), model, settings).values()].join('\n');
    if (!NO_CREDENTIALS.has(dialect)) expect(device).toContain('prov-pass');
  });

  it('still renders a valid device file, without password keys, when secrets are withheld', () => {
    const settings = userDeviceSettings(dialect);
    settings.lines = settings.lines.map((l) => ({ ...l, secret: '' }));
    const got = read(dialect, deviceFile(model), model, settings);
    expect(got.has(keys.secret)).toBe(false);
    expect([...got.values()].join('\n')).not.toContain('s3cret');
  });

  it('points event URLs at the status endpoint where the vendor has them', () => {
    const values = allValues(dialect, model, standaloneSettings());
    const hasEvent = values.some((v) => v.startsWith('https://prov.example.com/api/v1/phone-events?'));
    expect(hasEvent).toBe(WITH_EVENTS.has(dialect));
  });

  it('renders the same bytes for the same input', () => {
    for (const file of model.files) {
      const a = renderSample(model, file, userDeviceSettings(dialect));
      const b = renderSample(model, file, userDeviceSettings(dialect));
      expect(a.body.equals(b.body)).toBe(true);
      expect(a.contentType).toBe(b.contentType);
    }
  });

  it('serves XML as text/xml and cfg text as text/plain, both UTF-8', () => {
    for (const file of model.files) {
      const r = renderSample(model, file, userDeviceSettings(dialect));
      const isXml = r.body.toString('utf8').startsWith('<?xml');
      expect(r.contentType).toBe(isXml ? 'text/xml; charset=utf-8' : 'text/plain; charset=utf-8');
    }
  });

  const directoryFile = model.files.find((f) => f.kind === 'directory');
  if (directoryFile !== undefined) {
    it('lists every directory entry with its name and extension', () => {
      const values = [...read(dialect, directoryFile, model, userDeviceSettings(dialect)).values()];
      for (const entry of SAMPLE_DIRECTORY) {
        expect(values).toContain(entry.name);
        expect(values).toContain(entry.extension);
      }
    });
  }
});
