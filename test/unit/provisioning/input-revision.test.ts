import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, inputRevision, settingsRevision, type RevisionInput } from '../../../server/provisioning/input-revision.ts';
import type { CanonicalSettings } from '../../../server/provisioning/types.ts';

const settings: CanonicalSettings = {
  lines: [{ index: 1, enabled: true, extension: '1001', authUser: '1001', secret: 's', displayName: 'A', label: '1001', registrar: 'pbx', port: 5060, transport: 'udp' }],
  time: { ntp: 'pool.ntp.org', timezone: 'UTC' },
  provisioning: { url: 'http://p/' },
  status: { eventUrl: 'http://p/e' },
  network: { lldp: true },
  keys: [],
  raw: {},
  language: 'en',
};

const base: RevisionInput = { catalogRevision: 'c1', rendererVersion: 'r1', modelId: 'yealink/t54w', fileName: '0015651234ab.cfg', mac: '0015651234ab', settingsRevision: settingsRevision(settings) };

describe('input revision', () => {
  it('is stable regardless of key order', () => {
    const { language, raw, ...rest } = settings;
    const reordered = { settingsRevision: settingsRevision({ language, raw, ...rest }), mac: base.mac, fileName: base.fileName, modelId: base.modelId, rendererVersion: 'r1', catalogRevision: 'c1' };
    expect(inputRevision(reordered)).toBe(inputRevision(base));
    expect(inputRevision(base)).toMatch(/^[0-9a-f]{32}$/);
    expect(canonicalJson({ b: 1, a: [2, { d: undefined, c: null }] })).toBe('{"a":[2,{"c":null}],"b":1}');
  });

  it('changes when any input that affects bytes changes', () => {
    const r = inputRevision(base);
    expect(inputRevision({ ...base, catalogRevision: 'c2' })).not.toBe(r);
    expect(inputRevision({ ...base, rendererVersion: 'r2' })).not.toBe(r);
    expect(inputRevision({ ...base, fileName: 'y000000000000.boot' })).not.toBe(r);
    expect(inputRevision({ ...base, settingsRevision: settingsRevision({ ...settings, provisioning: { url: 'http://q/' } }) })).not.toBe(r);
    expect(inputRevision({ ...base, directory: [{ name: 'A', extension: '1' }] })).not.toBe(r);
  });

  it('differs for any two different display names (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        const with_ = (name: string) => inputRevision({ ...base, settingsRevision: settingsRevision({ ...settings, lines: [{ ...settings.lines[0]!, displayName: name }] }) });
        return with_(a) !== with_(b);
      }),
    );
  });

  it('writes the same text as the plain entries-sort-map spelling, and JSON of the same value (property)', () => {
    // The straightforward spelling, kept here as the reference: keys sorted by code unit.
    const reference = (value: unknown): string => {
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
      if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
      }
      return JSON.stringify(value) ?? 'null';
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(text).toBe(reference(value));
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    expect(canonicalJson({ z: undefined, y: [undefined, 1], x: { w: undefined }, 10: 1, 9: 2 })).toBe('{"10":1,"9":2,"x":{},"y":[null,1]}');
  });
});
