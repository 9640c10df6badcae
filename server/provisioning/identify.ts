import { tryParseMac } from '../domain/mac-address.ts';
import { fileNameMatcher, renderFileName } from './file-pattern.ts';
import { compileUaRules, matchUserAgent, type UaRule } from './ua-match.ts';
import type { Catalog, Identification, ModelFile, ModelProfile } from './types.ts';

/**
 * Identification: which catalogue models ask for this file name, narrowed by the User-Agent, with
 * the MAC from the name and from the UA. Pure; whether the device exists, is claimed or may see
 * the file is the caller's business (it narrows shared names with the device record).
 */
export interface IdentifyRequest {
  /** The requested name, optionally with one leading `/`; never a path with folders. */
  path: string;
  userAgent?: string | undefined;
}

interface Candidate {
  model: ModelProfile;
  file: ModelFile;
  /** The name the vendor expects, as `renderFileName` gives it, made without its string scans. */
  nameFor: (mac: string | undefined) => string;
}

/** `renderFileName` for one model's file, with the model tokens expanded once. */
function nameMaker(file: ModelFile, modelToken: string): Candidate['nameFor'] {
  const expanded = renderFileName(file.name, modelToken);
  const at = expanded.search(/\{mac\}|\{MAC\}/);
  // A catalogue name carries at most one MAC placeholder (fileNameProblem).
  if (at < 0 || expanded.slice(at + 5).search(/\{mac\}|\{MAC\}/) >= 0) return (mac) => renderFileName(file.name, modelToken, mac);
  const before = expanded.slice(0, at);
  const after = expanded.slice(at + 5);
  const upper = expanded.startsWith('{MAC}', at);
  return (mac) => (mac === undefined ? expanded : `${before}${upper ? mac.toUpperCase() : mac.toLowerCase()}${after}`);
}

interface NameIndex {
  /** Names without a MAC, lower-cased (model tokens already expanded). */
  literal: Map<string, Candidate[]>;
  /** Names with a MAC: one matcher per distinct shape, shared by every model using it. */
  withMac: Array<{ re: RegExp; candidates: Candidate[] }>;
  ua: UaRule[];
}

/** Longest name accepted: common file-system limit, and far above any vendor's name. */
const MAX_NAME_BYTES = 255;
// C0/C1 controls and DEL (NUL, CR, LF, …) are never in a phone's file name: refused, like the shared guard does.
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

const indexes = new WeakMap<Catalog, NameIndex>();

/** Built once per catalogue (a catalogue is immutable) and kept as long as the catalogue lives. */
function indexOf(catalog: Catalog): NameIndex {
  const cached = indexes.get(catalog);
  if (cached !== undefined) return cached;
  const literal = new Map<string, Candidate[]>();
  const shapes = new Map<string, { re: RegExp; candidates: Candidate[] }>();
  for (const model of catalog.all()) {
    for (const file of model.files) {
      const { key, source } = fileNameMatcher(file.name, model.modelToken);
      if (key.includes('{mac}')) {
        const shape = shapes.get(key) ?? { re: new RegExp(source), candidates: [] };
        shape.candidates.push({ model, file, nameFor: nameMaker(file, model.modelToken) });
        shapes.set(key, shape);
      } else {
        literal.set(key, [...(literal.get(key) ?? []), { model, file, nameFor: nameMaker(file, model.modelToken) }]);
      }
    }
  }
  const index = { literal, withMac: [...shapes.values()], ua: compileUaRules(catalog.all()) };
  indexes.set(catalog, index);
  return index;
}

/** The bare file name, or null when the request is not a plain name a phone could ask for. */
function plainName(path: string): string | null {
  const name = path.startsWith('/') ? path.slice(1) : path;
  if (name.length === 0 || Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return null;
  if (name.includes('/') || name.includes('\\') || name.includes('..') || CONTROL_RE.test(name)) return null;
  return name;
}

/**
 * Which catalogue file this request is for. Returns null when the name is hostile or no model
 * asks for it. Name matching is case-insensitive (VENDORS.md rule 2); `canonicalName` is the name
 * in the vendor's own MAC case.
 */
export function identify(catalog: Catalog, request: IdentifyRequest): Identification | null {
  const name = plainName(request.path);
  if (name === null) return null;
  const index = indexOf(catalog);
  const lower = name.toLowerCase();

  let mac: string | undefined;
  let candidates: Candidate[] = index.literal.get(lower) ?? [];
  if (candidates.length === 0) {
    for (const shape of index.withMac) {
      const m = shape.re.exec(lower);
      // `000000000000.cfg` is Poly's shared master file, never a device: tryParseMac refuses it.
      const parsed = m?.groups?.mac === undefined ? null : tryParseMac(m.groups.mac);
      if (parsed === null) continue;
      mac = parsed;
      // The index's lists are shared and never changed: copied only when two shapes match.
      candidates = candidates.length === 0 ? shape.candidates : [...candidates, ...shape.candidates];
    }
  }
  if (candidates.length === 0) return null;

  const ua = matchUserAgent(index.ua, request.userAgent);
  if (ua !== null) {
    // A UA naming a model that does not ask for this name (a T46U fetching the T4xS common file)
    // still tells the vendor; a UA of another vendor entirely is left to the caller to judge.
    const named = candidates.filter((c) => ua.modelIds.includes(c.model.id));
    const narrowed = named.length > 0 ? named : candidates.filter((c) => ua.vendors.includes(c.model.vendor));
    if (narrowed.length > 0) candidates = narrowed;
  } else if (mac !== undefined) {
    // No UA help: models whose vendor ships this OUI go first. Only an order, never a filter,
    // since the OUI lists are incomplete (see the vendors' notes).
    const prefix = mac.slice(0, 6);
    candidates = [...candidates].sort((a, b) => Number(b.model.oui.includes(prefix)) - Number(a.model.oui.includes(prefix)));
  }

  const named = candidates.map((c) => ({ model: c.model, file: c.file, canonicalName: c.nameFor(mac) }));
  const first = named[0];
  if (first === undefined) return null;
  const out: Identification = {
    models: [...new Set(named.map((c) => c.model))],
    vendor: first.model.vendor,
    file: first.file,
    requested: request.path,
    canonicalName: first.canonicalName,
    candidates: named,
  };
  if (mac !== undefined) out.mac = mac;
  if (ua?.mac !== undefined) out.uaMac = ua.mac;
  if (ua?.firmware !== undefined) out.firmware = ua.firmware;
  if (ua !== null) out.uaVendors = ua.vendors;
  return out;
}

/**
 * The identification contract: a MAC in the UA must agree with the MAC in the name when both
 * exist. True when they agree or either is missing; false means one device is asking for
 * another's file, and the caller refuses it like any other miss.
 */
export function macsAgree(ident: Pick<Identification, 'mac' | 'uaMac'>): boolean {
  return ident.mac === undefined || ident.uaMac === undefined || ident.mac === ident.uaMac;
}
