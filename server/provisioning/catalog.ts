import { createHash } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { appError } from '../errors.ts';
import {
  DEFAULTS_FILE_SCHEMA,
  DIALECT_TEMPLATES,
  MODEL_FILE_ON_DISK_SCHEMA,
  MODEL_PROFILE_SCHEMA,
} from './catalog-schema.ts';
import { fileNameMatcher, fileNameProblem, hasMacPlaceholder } from './file-pattern.ts';
import { compileUaRules, matchUserAgent } from './ua-match.ts';
import type { Catalog, ModelProfile } from './types.ts';

/** One JSON file below `firmware-profiles/`: `path` relative to it with `/`, e.g. `yealink/t54w.json`. */
export interface CatalogEntry {
  path: string;
  json: unknown;
}

export interface BuildCatalogOptions {
  /** Dialects and their template names; defaults to `DIALECT_TEMPLATES`. */
  dialects?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Vendors in the order their UA patterns are tried. A fixed order keeps matching deterministic
 * when two vendors' patterns could both match; vendors not listed come after, alphabetically.
 */
export const VENDOR_ORDER = ['yealink', 'poly', 'cisco', 'grandstream', 'snom', 'fanvil', 'aastra', 'obihai'] as const;

const ENTRY_PATH_RE = /^([a-z0-9][a-z0-9-]*)\/(_?[a-z0-9][a-z0-9._-]*)\.json$/;

function fail(file: string, field: string, problem: string): never {
  throw appError('INVALID_FIELD', `firmware-profiles/${file}: ${field}: ${problem}`, {
    field,
    details: { file },
  });
}

function check(schema: TSchema, json: unknown, file: string): void {
  const first = Value.Errors(schema, json).First();
  if (first !== undefined) fail(file, first.path === '' ? '(root)' : first.path.slice(1), first.message);
}

function vendorRank(vendor: string): number {
  const i = (VENDOR_ORDER as readonly string[]).indexOf(vendor);
  return i === -1 ? VENDOR_ORDER.length : i;
}

/** Models in UA-matching order: vendor order, then id. */
function byVendorOrder(a: ModelProfile, b: ModelProfile): number {
  return vendorRank(a.vendor) - vendorRank(b.vendor) || a.vendor.localeCompare(b.vendor) || a.id.localeCompare(b.id);
}

/** JSON with object keys sorted, so the revision does not depend on key order in the files. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Levenshtein distance; ids are short, so the O(n·m) table is cheap. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * Defaults are merged field by field (a model's field replaces the default's whole value), except
 * `notes`, which add up: a caveat on an inherited fact stays true for the model.
 */
function merge(layers: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const notes: unknown[] = [];
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      if (k === 'notes' && Array.isArray(v)) notes.push(...v);
      else out[k] = v;
    }
  }
  if (notes.length > 0) out.notes = notes;
  // Schema field order, so a model reads the same in the API whatever the files' key order.
  const order = Object.keys(MODEL_PROFILE_SCHEMA.properties);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => rank(order, a) - rank(order, b)));
}

function rank(order: string[], key: string): number {
  const i = order.indexOf(key);
  return i === -1 ? order.length : i;
}

function crossCheck(model: ModelProfile, file: string, dialects: Readonly<Record<string, readonly string[]>>): void {
  const [folder] = file.split('/');
  if (model.id !== file.replace(/\.json$/, '')) fail(file, 'id', `must be "${file.replace(/\.json$/, '')}" (the file path)`);
  if (model.vendor !== folder) fail(file, 'vendor', `must be "${folder}" (the folder name)`);
  const templates = dialects[model.dialect];
  if (templates === undefined) fail(file, 'dialect', `unknown dialect "${model.dialect}" (known: ${Object.keys(dialects).join(', ')})`);
  const seen = new Set<string>();
  model.files.forEach((f, i) => {
    const problem = fileNameProblem(f.name);
    if (problem !== null) fail(file, `files/${i}/name`, problem);
    if (!templates.includes(f.template)) {
      fail(file, `files/${i}/template`, `"${f.template}" is not a template of dialect ${model.dialect} (${templates.join(', ')})`);
    }
    // Secrets only ever go to a file named after one device: a shared file is readable by any phone.
    if (f.secrets && !hasMacPlaceholder(f.name)) fail(file, `files/${i}/secrets`, 'only a file named with {mac}/{MAC} may carry secrets');
    if (f.kind === 'device' && !hasMacPlaceholder(f.name)) fail(file, `files/${i}/name`, 'a device file must contain {mac} or {MAC}');
    const { key } = fileNameMatcher(f.name, model.modelToken);
    if (seen.has(key)) fail(file, `files/${i}/name`, `"${f.name}" is listed twice`);
    seen.add(key);
  });
  const { patterns, samples, sampleSources } = model.userAgent;
  if (sampleSources !== undefined && sampleSources.length !== samples.length) {
    fail(file, 'userAgent/sampleSources', `must have one entry per sample (${samples.length})`);
  }
  const compiled = patterns.map((source, i) => {
    try {
      return new RegExp(source, 'i');
    } catch (err) {
      return fail(file, `userAgent/patterns/${i}`, `does not compile: ${(err as Error).message}`);
    }
  });
  compiled.forEach((re, i) => {
    if (!samples.some((s) => re.test(s))) fail(file, `userAgent/patterns/${i}`, 'matches none of the samples (every pattern needs one)');
  });
  samples.forEach((s, i) => {
    if (!compiled.some((re) => re.test(s))) fail(file, `userAgent/samples/${i}`, `"${s}" matches none of the patterns`);
  });
}

/**
 * Validates every entry against the schema, merges defaults, cross-checks each model and the
 * catalogue as a whole, and returns it. Throws `INVALID_FIELD` naming the file and the field at
 * the first problem, so a bad catalogue stops the server at start.
 */
export function buildCatalog(entries: readonly CatalogEntry[], options: BuildCatalogOptions = {}): Catalog {
  const dialects = options.dialects ?? DIALECT_TEMPLATES;
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const defaults = new Map<string, Record<string, unknown>>();
  const raw: CatalogEntry[] = [];
  for (const entry of sorted) {
    const m = ENTRY_PATH_RE.exec(entry.path);
    if (m === null) fail(entry.path, '(path)', 'must be <vendor>/<model>.json in lowercase letters, digits, . _ -');
    if (m[2]?.startsWith('_')) {
      check(DEFAULTS_FILE_SCHEMA, entry.json, entry.path);
      defaults.set(entry.path, entry.json as Record<string, unknown>);
    } else {
      raw.push(entry);
    }
  }

  const used = new Set<string>();
  const models: ModelProfile[] = [];
  for (const entry of raw) {
    check(MODEL_FILE_ON_DISK_SCHEMA, entry.json, entry.path);
    const own = entry.json as Record<string, unknown>;
    const folder = entry.path.split('/')[0] ?? '';
    const layers: Record<string, unknown>[] = [];
    const vendorPath = `${folder}/_vendor.json`;
    const vendorDefaults = defaults.get(vendorPath);
    if (vendorDefaults !== undefined) {
      layers.push(vendorDefaults);
      used.add(vendorPath);
    }
    // Family defaults layer from the general to the specific: family `mpp-88xx` takes
    // `_mpp.json`, then `_mpp-88xx.json`.
    const family = own.family ?? vendorDefaults?.family;
    if (typeof family === 'string') {
      const parts = family.split('-');
      for (let n = 1; n <= parts.length; n++) {
        const familyPath = `${folder}/_${parts.slice(0, n).join('-')}.json`;
        const familyDefaults = defaults.get(familyPath);
        if (familyDefaults !== undefined) {
          layers.push(familyDefaults);
          used.add(familyPath);
        }
      }
    }
    layers.push(own);
    const merged = merge(layers);
    check(MODEL_PROFILE_SCHEMA, merged, entry.path);
    const model = merged as unknown as ModelProfile;
    crossCheck(model, entry.path, dialects);
    models.push(model);
  }
  for (const path of defaults.keys()) {
    if (!used.has(path)) fail(path, '(path)', 'no model uses this defaults file (name it _vendor.json, or _<family>.json for a family or a family prefix)');
  }

  models.sort(byVendorOrder);
  // Each sample must be claimed by its own model first: patterns are tried in this order.
  const rules = compileUaRules(models);
  for (const model of models) {
    model.userAgent.samples.forEach((sample, i) => {
      const hit = matchUserAgent(rules, sample);
      if (hit === null || !hit.modelIds.includes(model.id)) {
        fail(`${model.id}.json`, `userAgent/samples/${i}`, `"${sample}" is claimed first by ${hit?.modelIds.join(', ') ?? 'no model'}`);
      }
    });
  }

  const frozen = models.map((m) => Object.freeze(m));
  const byId = new Map(frozen.map((m) => [m.id, m]));
  const revision = createHash('sha256')
    .update(sorted.map((e) => `${e.path}\n${stableJson(e.json)}`).join('\n'))
    .digest('hex')
    .slice(0, 16);

  return Object.freeze({
    get: (id: string) => byId.get(id),
    all: () => frozen,
    closeMatches(id: string, limit = 3): string[] {
      const wanted = id.toLowerCase();
      const vendor = wanted.split('/')[0];
      return frozen
        .map((m) => ({ id: m.id, d: editDistance(wanted, m.id) - (m.vendor === vendor ? 1 : 0) }))
        .filter((c) => c.d <= Math.max(3, Math.floor(wanted.length / 2)))
        .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
        .slice(0, limit)
        .map((c) => c.id);
    },
    revision,
  });
}
