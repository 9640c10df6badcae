import { isDeepStrictEqual } from 'node:util';
import { hasMacPlaceholder } from './file-pattern.ts';
import { renderFile } from './render.ts';
import { resolveSettings, type ResolveInput } from './resolve-settings.ts';
import type { CanonicalSettings, ModelFile, ModelProfile, ProfileSettings } from './types.ts';

/**
 * The pure part of the blast radius (P2 item 10): which devices would be served different bytes
 * if an edit were saved. Each device's files are resolved and rendered with the inputs before and
 * after the edit, exactly as the phone pipeline does, and compared byte for byte.
 */

/** How many devices get new bytes, per model id (`yealink/t54w`). */
export interface Affected {
  total: number;
  byModel: Record<string, number>;
  /** Devices whose files could not be rendered with the new inputs (a phone would get an error). */
  unrenderable: number;
}

/** One device: its model and the resolution inputs before and after the edit. */
export interface DeviceCase {
  model: ModelProfile;
  before: ResolveInput;
  after: ResolveInput;
}

/** A profile as the chain walk needs it. */
export interface ChainLink {
  parentId: string | null;
  settings: ProfileSettings;
}

/**
 * The profile and its ancestors, root first (the parent applies before the child), as the phone
 * pipeline resolves them; stops at a missing profile or a cycle.
 */
export function profileChainFrom(profileId: string | null, get: (id: string) => ChainLink | undefined): ProfileSettings[] {
  const chain: ProfileSettings[] = [];
  const seen = new Set<string>();
  let id = profileId;
  while (id !== null && !seen.has(id)) {
    seen.add(id);
    const link = get(id);
    if (link === undefined) break;
    chain.unshift(link.settings);
    id = link.parentId;
  }
  return chain;
}

/**
 * Files of a model a device's own settings reach: every per-device name. Directories are left
 * out (profile and site fields do not change them) and so are shared files, which are rendered
 * without a device (see {@link sharedFilesOf}).
 */
export function deviceFilesOf(model: ModelProfile): ModelFile[] {
  return model.files.filter((f) => f.kind !== 'directory' && (f.kind === 'device' || hasMacPlaceholder(f.name)));
}

/** Files rendered without a device: the same bytes for every phone of the model on a site. */
export function sharedFilesOf(model: ModelProfile): ModelFile[] {
  return model.files.filter((f) => f.kind !== 'directory' && f.kind !== 'device' && !hasMacPlaceholder(f.name));
}

/** Rendered bytes of each file, or the error code a render threw (the outcome a phone would see). */
function outcomes(model: ModelProfile, files: readonly ModelFile[], settings: CanonicalSettings, mac: string | undefined, referenceYear: number): Array<Buffer | string> {
  return files.map((file) => {
    try {
      return renderFile({ model, file, settings, referenceYear, ...(mac === undefined ? {} : { mac }) }).body;
    } catch (err) {
      return `error:${(err as { code?: string }).code ?? 'render'}`;
    }
  });
}

/** True when some outcome differs, and whether the new inputs fail to render. */
function compare(
  model: ModelProfile,
  files: readonly ModelFile[],
  before: CanonicalSettings,
  after: CanonicalSettings,
  mac: string | undefined,
  referenceYear: number,
): { changed: boolean; unrenderable: boolean } {
  // Equal resolved settings render equal bytes (rendering is pure): skip the renders.
  if (isDeepStrictEqual(before, after)) return { changed: false, unrenderable: false };
  const a = outcomes(model, files, before, mac, referenceYear);
  const b = outcomes(model, files, after, mac, referenceYear);
  const changed = a.some((x, i) => {
    const y = b[i];
    return typeof x === 'string' || typeof y === 'string' ? x !== y : !x.equals(y as Buffer);
  });
  return { changed, unrenderable: b.some((y) => typeof y === 'string') };
}

/**
 * Counts the devices that would get new bytes. `sharedChanged(model)` says whether the model's
 * shared files change for these devices (site edits; a profile never reaches a shared file).
 * Cost: one settings resolution per device and side; two renders per file only for devices whose
 * resolved settings differ.
 */
export function countAffected(
  cases: Iterable<DeviceCase>,
  referenceYear: number,
  sharedChanged: (model: ModelProfile) => boolean = () => false,
): Affected {
  const out = noneAffected();
  for (const c of cases) tallyDevice(out, c, referenceYear, sharedChanged);
  return out;
}

export function noneAffected(): Affected {
  return { total: 0, byModel: {}, unrenderable: 0 };
}

/** Adds one device to `out` (the step of {@link countAffected}, for callers that work in slices). */
export function tallyDevice(
  out: Affected,
  c: DeviceCase,
  referenceYear: number,
  sharedChanged: (model: ModelProfile) => boolean = () => false,
): void {
  const result = compare(c.model, deviceFilesOf(c.model), resolveSettings(c.before), resolveSettings(c.after), c.after.mac, referenceYear);
  if (result.unrenderable) out.unrenderable += 1;
  if (!result.changed && !sharedChanged(c.model)) return;
  out.total += 1;
  out.byModel[c.model.id] = (out.byModel[c.model.id] ?? 0) + 1;
}

/**
 * Whether a model's shared files render differently for a site before and after an edit, and
 * whether the new site fails to render them. `before`/`after` have no MAC and no profile, as
 * the pipeline renders shared files.
 */
export function sharedFilesChange(model: ModelProfile, before: ResolveInput, after: ResolveInput, referenceYear: number): { changed: boolean; unrenderable: boolean } {
  return compare(model, sharedFilesOf(model), resolveSettings(before), resolveSettings(after), undefined, referenceYear);
}
