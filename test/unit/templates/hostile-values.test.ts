import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../server/errors.ts';
import { hasForbiddenChar } from '../../../server/provisioning/writers/safe-text.ts';
import { FIELD_KEYS, READERS } from '../../helpers/readers/index.ts';
import { renderSample } from '../../helpers/render-sample.ts';
import { SAMPLE_MODELS, userDeviceSettings } from '../../helpers/sample-models.ts';
import type { CanonicalSettings, DirectoryEntry, ModelFile, ModelProfile } from '../../../server/provisioning/types.ts';

/**
 * Property: whatever an admin types as a display name, label, raw value, directory name, SIP
 * secret or auth user, no
 * rendered file gains or loses a key, element or attribute; the value reads back unchanged, or
 * the render refuses with RULE_VIOLATION (only for characters a format cannot carry).
 */

const NASTY = ['\r', '\n', '\u0000', '<', '>', '&', '"', "'", ']]>', '#', '=', ':', ';', ' ', 'é', '😀', 'a', '\ud800', '\t', '%NULL%', '$MA', '&amp;', '&foo;', '&#60;'];

const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('x\nstatic.auto_provision.server.url = http://evil/', 'a" injected="1', '</Name><Evil>1</Evil>', 'x]]><y/>'),
);

/** Characters a given dialect refuses in values, beyond control characters. */
const REFUSED: Record<string, RegExp> = { aastra: /#/ };

/** Never empty: an empty secret means "withheld" and drops the password key on purpose. */
const hostileSecret = hostile.filter((v) => v !== '');

function withValues(dialect: string, name: string, label: string, raw: string, secret = 's'): CanonicalSettings {
  const s = userDeviceSettings(dialect);
  s.lines = s.lines.map((l) => ({ ...l, displayName: name, label, secret, authUser: secret }));
  s.keys = s.keys.map((k) => ({ ...k, label }));
  s.raw = Object.fromEntries(Object.keys(s.raw).map((k) => [k, raw]));
  return s;
}

function readAll(dialect: string, model: ModelProfile, file: ModelFile, s: CanonicalSettings, dir: DirectoryEntry[]): Map<string, string> {
  const reader = READERS[dialect];
  if (reader === undefined) throw new Error(`no reader for ${dialect}`);
  return reader(file.template, renderSample(model, file, s, dir).body.toString('utf8'));
}

describe.each(Object.entries(SAMPLE_MODELS))('hostile values in %s files', (dialect, model) => {
  const keys = FIELD_KEYS[dialect];
  if (keys === undefined) throw new Error(`no field keys for ${dialect}`);
  for (const file of model.files) {
    it(`never change the set of keys of ${file.name}`, () => {
      const baseDir = [{ name: 'x', extension: '1' }];
      const baseline = readAll(dialect, model, file, withValues(dialect, 'x', 'y', 'z'), baseDir);
      fc.assert(
        fc.property(hostile, hostile, hostile, hostileSecret, (name, label, raw, secret) => {
          const settings = withValues(dialect, name, label, raw, secret);
          const dir = [{ name, extension: '1' }];
          let got: Map<string, string>;
          try {
            got = readAll(dialect, model, file, settings, dir);
          } catch (err) {
            expect(isAppError(err) && err.code === 'RULE_VIOLATION', String(err)).toBe(true);
            const refusable = [name, label, raw, secret].some((v) => hasForbiddenChar(v) || (REFUSED[dialect]?.test(v) ?? false));
            expect(refusable).toBe(true);
            return;
          }
          expect([...got.keys()]).toEqual([...baseline.keys()]);
          if (file.kind === 'device') {
            expect(got.get(keys.displayName)).toBe(name);
            expect(got.get(keys.label)).toBe(label);
            expect(got.get(keys.secret)).toBe(secret);
          }
          if (file.kind === 'directory') expect([...got.values()]).toContain(name);
        }),
        {
          numRuns: 150,
          seed: 20261124,
          examples: [
            [' ', '', '  ', ' '],
            ['a\nb', 'c', 'd', 'e'],
            ['<&>"\'', ']]>', '#=:', '"/><x y="'],
            ['😀é', '%NULL%', '$MA', '$$'],
            ['&foo;', '&amp;', '&#60;', '&lt;'],
          ],
        },
      );
    });
  }
});
