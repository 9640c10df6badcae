import { phoneEventKind } from '../domain/phone-events.ts';
import { appError } from '../errors.ts';
import type {
  CanonicalSettings,
  Dialect,
  LineKey,
  LineSettings,
  ModelFile,
  ModelProfile,
  RenderInput,
  RenderedFile,
} from './types.ts';

/**
 * What every dialect module shares: template dispatch, the model's line/key caps, file names with
 * placeholders, event URLs and content types. No vendor knowledge lives here.
 */

export const TEXT_PLAIN = 'text/plain; charset=utf-8';
export const TEXT_XML = 'text/xml; charset=utf-8';

/**
 * Year whose DST rules are rendered when the caller gives none. Rendering must not read the
 * clock (same input, same bytes); the pipeline passes `referenceYear` from its `now`.
 */
export const DEFAULT_REFERENCE_YEAR = 2026;

export type TemplateFn = (input: RenderInput) => RenderedFile;

/** Builds a {@link Dialect} from a map of template name → renderer. */
export function defineDialect(id: string, templates: Record<string, TemplateFn>): Dialect {
  return {
    id,
    templates: Object.keys(templates),
    render(input: RenderInput): RenderedFile {
      const fn = Object.hasOwn(templates, input.file.template) ? templates[input.file.template] : undefined;
      if (fn === undefined) {
        throw appError('NOT_FOUND', `Dialect "${id}" has no template "${input.file.template}"`, {
          field: 'file.template',
        });
      }
      return fn(input);
    },
  };
}

export function textFile(text: string): RenderedFile {
  return { body: Buffer.from(text, 'utf8'), contentType: TEXT_PLAIN };
}

export function xmlFile(text: string): RenderedFile {
  return { body: Buffer.from(text, 'utf8'), contentType: TEXT_XML };
}

/** Lines the model can hold (index ≤ `model.lines`), by index. */
export function linesFor(input: RenderInput): LineSettings[] {
  return input.settings.lines
    .filter((l) => l.index >= 1 && l.index <= input.model.lines)
    .sort((a, b) => a.index - b.index);
}

/** Programmable keys the model has (index ≤ `model.keys`), by index. */
export function keysFor(input: RenderInput): LineKey[] {
  return input.settings.keys
    .filter((k) => k.index >= 1 && k.index <= input.model.keys)
    .sort((a, b) => a.index - b.index);
}

/** The MAC of a per-device file; a device template without one is a caller bug. */
export function requireMac(input: RenderInput): string {
  if (input.mac === undefined) {
    throw appError('BAD_REQUEST', `Template "${input.file.template}" needs a device MAC`, {
      field: 'mac',
    });
  }
  return input.mac;
}

export function referenceYear(input: RenderInput): number {
  return input.referenceYear ?? DEFAULT_REFERENCE_YEAR;
}

/** Expands `{mac}`, `{MAC}`, `{model}`, `{MODEL}` in a catalogue file name. */
export function expandName(name: string, model: ModelProfile, mac?: string): string {
  let out = name.replaceAll('{model}', model.modelToken.toLowerCase());
  out = out.replaceAll('{MODEL}', model.modelToken.toUpperCase());
  if (mac !== undefined) {
    out = out.replaceAll('{mac}', mac.toLowerCase()).replaceAll('{MAC}', mac.toUpperCase());
  }
  return out;
}

/** The model's first file of a kind (optionally with a given template). */
export function fileOfKind(
  model: ModelProfile,
  kind: ModelFile['kind'],
  template?: string,
): ModelFile | undefined {
  return model.files.find((f) => f.kind === kind && (template === undefined || f.template === template));
}

/**
 * `<eventUrl>?<query>`: the status endpoint with a vendor's own variables in the query. A device
 * file's setup-completed URL also carries its config revision (`rev=`), which the phone echoes
 * back as the applied revision (issue P5 §6). Only there: the server reads it from setup events
 * alone, and Aastra caps an action URI at 128 characters (VENDORS.md §9).
 */
export function eventUrl(settings: CanonicalSettings, query: string): string {
  const name = /(?:^|&)event=([^&]*)/.exec(query)?.[1];
  const isSetup = name !== undefined && phoneEventKind(name) === 'setupCompleted';
  const rev = settings.status.revision === undefined || !isSetup ? '' : `&rev=${encodeURIComponent(settings.status.revision)}`;
  return `${settings.status.eventUrl}?${query}${rev}`;
}

/** Host part of the provisioning URL, for vendors that take host and path apart. */
export function splitUrl(url: string): { scheme: string; hostPath: string } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url);
  return m === null ? { scheme: 'http', hostPath: url } : { scheme: (m[1] as string).toLowerCase(), hostPath: m[2] as string };
}

/** `1`/`0` flags most vendors use. */
export function flag(on: boolean): string {
  return on ? '1' : '0';
}

/**
 * Where a section is being rendered. Shared files (no MAC) are rendered for the site the phone's
 * network belongs to and with no profile; device files with the device's own site and profile
 * chain. Phones read the device file after the shared ones (VENDORS.md request orders: Yealink
 * boot lists common then MAC file, Aastra aastra.cfg → model.cfg → MAC.cfg, Cisco Profile_Rule
 * then `_B`, Snom `snom<type>.htm` then `snom<type>-<MAC>.htm`, Fanvil common then MAC file).
 */
export type Scope = 'shared' | 'device';

/**
 * A dialect's settings that can differ per device (time zone, NTP, network, provisioning and
 * firmware URLs, event and directory URLs), declared ONCE per dialect and rendered by every
 * shared template (as the site-level default) and again by every device template (where the
 * device's own profile wins). Raw profile keys are not part of it: the device file applies them
 * last. `T` is whatever the dialect's writer collects (a settings list, XML nodes).
 */
export type ProfileSection<T> = (input: RenderInput, scope: Scope) => T;

/** `device` when the render has a MAC (a per-device file), else `shared`. */
export function scopeOf(input: RenderInput): Scope {
  return input.mac === undefined ? 'shared' : 'device';
}

/** Per-device HTTP credentials, only ever for a device-scope render: shared files never carry a secret. */
export function credentialsIn(
  input: RenderInput,
  scope: Scope,
): { username: string; password: string } | undefined {
  return scope === 'device' ? input.settings.provisioning.credentials : undefined;
}
