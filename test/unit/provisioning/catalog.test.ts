import { describe, expect, it } from 'vitest';
import { buildCatalog, editDistance, type CatalogEntry } from '../../../server/provisioning/catalog.ts';
import { isAppError } from '../../../server/errors.ts';
import { realProfileEntries } from './real-profiles.ts';

const vendor = {
  vendor: 'acme',
  dialect: 'yealink',
  files: [
    { name: 'acme{model}.cfg', kind: 'common', template: 'common', secrets: false },
    { name: '{mac}.cfg', kind: 'device', template: 'device', secrets: true },
  ],
  oui: ['001565'],
};

function acme(key: string, extra: Record<string, unknown> = {}): CatalogEntry {
  return {
    path: `acme/${key}.json`,
    json: {
      id: `acme/${key}`,
      name: key.toUpperCase(),
      family: 'desk',
      modelToken: key,
      lines: 2,
      keys: 4,
      userAgent: { patterns: [`^Acme ${key} (?<firmware>[\\d.]+)`], samples: [`Acme ${key} 1.2.3`] },
      ...extra,
    },
  };
}

function entries(...models: CatalogEntry[]): CatalogEntry[] {
  return [{ path: 'acme/_vendor.json', json: vendor }, ...models];
}

/** The error thrown by building these entries, for its message and field. */
function failure(list: CatalogEntry[]): { message: string; field?: string; file?: unknown } {
  try {
    buildCatalog(list);
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { message: err.message, field: err.field, file: err.details?.file };
  }
  throw new Error('expected buildCatalog to throw');
}

describe('buildCatalog', () => {
  it('merges the vendor defaults under each model', () => {
    const model = buildCatalog(entries(acme('a1'))).get('acme/a1');
    expect(model).toMatchObject({ id: 'acme/a1', vendor: 'acme', dialect: 'yealink', lines: 2, oui: ['001565'] });
    expect(model?.files.map((f) => f.name)).toEqual(['acme{model}.cfg', '{mac}.cfg']);
  });

  it('layers family defaults from the general family prefix to the specific one, then the model', () => {
    const list = [
      ...entries(acme('a1', { family: 'desk-pro', keys: 9 })),
      { path: 'acme/_desk.json', json: { keys: 1, dhcpVendorClass: 'Acme desk', oui: ['0004f2'], notes: ['desk note'] } },
      { path: 'acme/_desk-pro.json', json: { keys: 2, dhcpVendorClass: 'Acme desk pro', notes: ['pro note'] } },
    ];
    const model = buildCatalog(list).get('acme/a1');
    expect(model).toMatchObject({ keys: 9, dhcpVendorClass: 'Acme desk pro', oui: ['0004f2'], dialect: 'yealink' });
    expect(model?.notes).toEqual(['desk note', 'pro note']);
  });

  it('lists models in vendor order, then by id', () => {
    const ids = buildCatalog(realProfileEntries()).all().map((m) => m.vendor);
    const order = ['yealink', 'poly', 'cisco', 'grandstream', 'snom', 'fanvil', 'aastra', 'obihai'];
    expect([...new Set(ids)]).toEqual(order);
  });

  it('keeps the revision when only key order or entry order changes, and changes it with any value', () => {
    const base = buildCatalog(entries(acme('a1'), acme('a2'))).revision;
    const reordered = entries(acme('a2'), acme('a1')).reverse();
    const model = acme('a1');
    model.json = Object.fromEntries(Object.entries(model.json as object).reverse());
    expect(buildCatalog(reordered).revision).toBe(base);
    expect(buildCatalog(entries(model, acme('a2'))).revision).toBe(base);
    expect(buildCatalog(entries(acme('a1', { keys: 5 }), acme('a2'))).revision).not.toBe(base);
  });

  it('suggests close ids for an unknown one, best first', () => {
    const catalog = buildCatalog(realProfileEntries());
    expect(catalog.closeMatches('yealink/t46')[0]).toMatch(/^yealink\/t46/);
    expect(catalog.closeMatches('snom/d758')).toContain('snom/d785');
    expect(catalog.closeMatches('zzzz/qqqqqqqqqqqqqqqq')).toEqual([]);
    expect(catalog.closeMatches('yealink/t46', 1)).toHaveLength(1);
    expect(catalog.get('yealink/t46')).toBeUndefined();
  });

  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('accepts the dialect list it is given instead of the built-in one', () => {
    expect(() => buildCatalog(entries(acme('a1')), { dialects: { yealink: ['common', 'device'] } })).not.toThrow();
    expect(() => buildCatalog(entries(acme('a1')), { dialects: { yealink: ['common'] } })).toThrow(/files\/1\/template/);
  });
});

describe('buildCatalog refuses a bad catalogue, naming the file and the field', () => {
  const ua = (patterns: string[], samples: string[], extra: object = {}) => ({ userAgent: { patterns, samples, ...extra } });
  const file = (name: string, more: object = {}) => ({
    files: [{ name, kind: 'device', template: 'device', secrets: true, ...more }],
  });
  it.each<[string, CatalogEntry[], string, RegExp]>([
    ['a field of the wrong type', entries(acme('a1', { lines: 'two' })), 'acme/a1.json', /^lines$/],
    ['a missing required field', entries(acme('a1', { name: undefined })), 'acme/a1.json', /^name$/],
    ['an unknown field', entries(acme('a1', { colour: 'red' })), 'acme/a1.json', /colour|\(root\)/],
    ['a file kind that does not exist', entries(acme('a1', file('{mac}.cfg', { kind: 'secret' }))), 'acme/a1.json', /^files\/0\/kind$/],
    ['an id that is not the path', entries(acme('a1', { id: 'acme/a2' })), 'acme/a1.json', /^id$/],
    ['a vendor that is not the folder', entries(acme('a1', { vendor: 'other' })), 'acme/a1.json', /^vendor$/],
    ['an unknown dialect', entries(acme('a1', { dialect: 'klingon' })), 'acme/a1.json', /^dialect$/],
    ['a template its dialect lacks', entries(acme('a1', file('{mac}.cfg', { template: 'master' }))), 'acme/a1.json', /^files\/0\/template$/],
    ['an unknown placeholder', entries(acme('a1', file('{serial}.cfg'))), 'acme/a1.json', /^files\/0\/name$/],
    ['two MAC placeholders', entries(acme('a1', file('{mac}-{MAC}.cfg'))), 'acme/a1.json', /^files\/0\/name$/],
    ['a name with ..', entries(acme('a1', file('{mac}..cfg'))), 'acme/a1.json', /^files\/0\/name$/],
    [
      'secrets in a shared file',
      entries(acme('a1', { files: [{ name: 'all.cfg', kind: 'common', template: 'common', secrets: true }] })),
      'acme/a1.json',
      /^files\/0\/secrets$/,
    ],
    [
      'a device file without a MAC',
      entries(acme('a1', { files: [{ name: 'all.cfg', kind: 'device', template: 'device', secrets: false }] })),
      'acme/a1.json',
      /^files\/0\/name$/,
    ],
    [
      'the same name twice',
      entries(acme('a1', { files: [...vendor.files, { name: '{MAC}.CFG', kind: 'device', template: 'device', secrets: true }] })),
      'acme/a1.json',
      /^files\/2\/name$/,
    ],
    ['a pattern that does not compile', entries(acme('a1', ua(['^Acme (', '^Acme'], ['Acme a1']))), 'acme/a1.json', /^userAgent\/patterns\/0$/],
    ['a pattern no sample exercises', entries(acme('a1', ua(['^Acme', '^Other'], ['Acme a1']))), 'acme/a1.json', /^userAgent\/patterns\/1$/],
    ['a sample no pattern matches', entries(acme('a1', ua(['^Acme'], ['Acme a1', 'Nope']))), 'acme/a1.json', /^userAgent\/samples\/1$/],
    [
      'sample sources out of step with the samples',
      entries(acme('a1', ua(['^Acme'], ['Acme a1'], { sampleSources: ['[W]', 'synthetic'] }))),
      'acme/a1.json',
      /^userAgent\/sampleSources$/,
    ],
    [
      'a sample an earlier model claims first',
      entries(acme('a1', ua(['^Acme a'], ['Acme a1'])), acme('a2', ua(['^Acme a2'], ['Acme a2']))),
      'acme/a2.json',
      /^userAgent\/samples\/0$/,
    ],
    ['a defaults file no model uses', [...entries(acme('a1')), { path: 'acme/_mystery.json', json: {} }], 'acme/_mystery.json', /\(path\)/],
    ['an id inside a defaults file', [{ path: 'acme/_vendor.json', json: { ...vendor, id: 'acme/x' } }, acme('a1')], 'acme/_vendor.json', /id|\(root\)/],
    ['a path outside <vendor>/<model>.json', [...entries(acme('a1')), { path: 'acme/sub/a3.json', json: {} }], 'acme/sub/a3.json', /\(path\)/],
    ['an upper-case path', [...entries(acme('a1')), { path: 'Acme/A3.json', json: {} }], 'Acme/A3.json', /\(path\)/],
  ])('refuses %s', (_what, list, file, field) => {
    const err = failure(list);
    expect(err.file).toBe(file);
    expect(err.field).toMatch(field);
    expect(err.message).toContain(`firmware-profiles/${file}`);
  });
});
