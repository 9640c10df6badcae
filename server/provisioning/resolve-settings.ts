import { renderFileName } from './file-pattern.ts';
import type {
  CanonicalSettings,
  LineKey,
  LineSettings,
  ModelFile,
  ModelProfile,
  ProfileSettings,
  Transport,
} from './types.ts';

/**
 * Resolves one device's canonical settings (DESIGN.md "Settings and rendering"):
 * defaults ← model ← site ← profile chain (root parent first) ← binding lines ← device overrides.
 * Pure and deterministic: the same input always gives an equal tree, which render then turns into
 * the same bytes.
 */

/**
 * Path of the status endpoint phones' action/event URLs point at (below the public URL). Phones
 * cannot send headers on action URLs, so the device's event key (provisioning/event-key.ts), or
 * else its agent token, is the next path segment (`api/v1/events/<key>`); dialects append their
 * `?event=…` query (dialect-kit.ts `eventUrl`), which the route `/api/v1/events/:key` reads.
 */
export const STATUS_EVENT_PATH = 'api/v1/events';

/** The line a device registers, from its binding's extension. */
export interface BoundLine {
  number: number;
  authUser: string;
  secret: string;
  displayName: string;
}

/**
 * What the device's lines come from: a user device registers the user's extension, a standalone
 * device its own; `none` (unbound, retained, retired) renders its lines disabled so a phone that
 * lost its binding stops registering.
 */
export type LineSource =
  | { kind: 'user'; extension: BoundLine }
  | { kind: 'standalone'; extension: BoundLine; label?: string | null }
  | { kind: 'none' };

export interface ResolveInput {
  model: ModelProfile;
  /** Canonical lowercase MAC; absent for shared files. */
  mac?: string;
  site: {
    timezone: string;
    registrar: { host: string; port?: number; transport?: Transport };
  };
  /** The device's profile and its ancestors, root first (the parent applies before the child). */
  profileChain: readonly ProfileSettings[];
  lines: LineSource;
  /** Per-device overrides, applied after the profile chain. */
  deviceOverrides?: ProfileSettings;
  /** Base URL phones fetch from, ending in `/`. */
  publicUrl: string;
  /** Per-device HTTP credentials to hand out, when the pipeline decided to. */
  credentials?: { username: string; password: string };
  agentToken?: string;
  /** The device's event key for its event URLs (a secret); absent when secrets are withheld. */
  eventKey?: string;
  /** The device's config revision, carried in its setup-completed event URL (`rev=`). */
  configRevision?: number;
}

/** Settings a fresh install gives every phone before any profile says otherwise. */
export const DEFAULT_SETTINGS = {
  ntp: 'pool.ntp.org',
  lldp: true,
  transport: 'udp' as Transport,
  port: 5060,
  language: 'en',
} as const;

/** The name a phone asks for this catalogue file under (vendor MAC case). */
export function fileNameFor(file: ModelFile, model: ModelProfile, mac: string | undefined): string {
  return renderFileName(file.name, model.modelToken, mac);
}

/** Applies the layers in order; later layers win key by key. */
export function mergeProfiles(layers: readonly (ProfileSettings | undefined)[]): ProfileSettings {
  const out: ProfileSettings = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (layer.time !== undefined) out.time = { ...out.time, ...layer.time };
    if (layer.network !== undefined) out.network = { ...out.network, ...layer.network };
    if (layer.sip !== undefined) out.sip = { ...out.sip, ...layer.sip };
    if (layer.keys !== undefined) out.keys = layer.keys;
    if (layer.language !== undefined) out.language = layer.language;
    if (layer.firmware !== undefined) out.firmware = { ...out.firmware, ...layer.firmware };
    if (layer.raw !== undefined) {
      const raw: Record<string, Record<string, string>> = { ...out.raw };
      for (const [dialect, keys] of Object.entries(layer.raw)) raw[dialect] = { ...raw[dialect], ...keys };
      out.raw = raw;
    }
  }
  return out;
}

function lineFor(input: ResolveInput, merged: ProfileSettings): LineSettings {
  const registrar = input.site.registrar;
  const transport = merged.sip?.transport ?? registrar.transport ?? DEFAULT_SETTINGS.transport;
  const port = merged.sip?.port ?? registrar.port ?? (transport === 'tls' ? 5061 : DEFAULT_SETTINGS.port);
  const base = { index: 1, registrar: registrar.host, port, transport };
  const source = input.lines;
  if (source.kind === 'none') {
    return { ...base, enabled: false, extension: '', authUser: '', secret: '', displayName: '', label: '' };
  }
  const ext = source.extension;
  const label = source.kind === 'standalone' && source.label ? source.label : String(ext.number);
  return {
    ...base,
    enabled: true,
    extension: String(ext.number),
    authUser: ext.authUser,
    secret: ext.secret,
    displayName: ext.displayName,
    label,
  };
}

/** Keys beyond the model's key count are dropped: the phone has nowhere to put them. */
function keysFor(model: ModelProfile, keys: readonly LineKey[] | undefined): LineKey[] {
  return (keys ?? []).filter((key) => key.index >= 1 && key.index <= model.keys).map((key) => ({ ...key }));
}

/** The event URL with the device's key (event key first, else agent token) and its revision. */
function statusOf(input: ResolveInput): CanonicalSettings['status'] {
  const key = input.eventKey ?? input.agentToken;
  const status: CanonicalSettings['status'] = {
    eventUrl: key === undefined ? `${input.publicUrl}${STATUS_EVENT_PATH}` : `${input.publicUrl}${STATUS_EVENT_PATH}/${encodeURIComponent(key)}`,
  };
  if (input.eventKey !== undefined) status.key = input.eventKey;
  if (input.configRevision !== undefined) status.revision = String(input.configRevision);
  return status;
}

/** The canonical settings tree for one device. */
export function resolveSettings(input: ResolveInput): CanonicalSettings {
  const { model, publicUrl } = input;
  const merged = mergeProfiles([...input.profileChain, input.deviceOverrides]);
  const settings: CanonicalSettings = {
    lines: [lineFor(input, merged)],
    time: {
      ntp: merged.time?.ntp ?? DEFAULT_SETTINGS.ntp,
      timezone: merged.time?.timezone ?? input.site.timezone,
    },
    provisioning: { url: publicUrl },
    status: statusOf(input),
    network: { lldp: merged.network?.lldp ?? DEFAULT_SETTINGS.lldp },
    keys: keysFor(model, merged.keys),
    raw: { ...merged.raw?.[model.dialect] },
    language: merged.language ?? DEFAULT_SETTINGS.language,
  };
  if (merged.network?.vlan !== undefined) settings.network.vlan = merged.network.vlan;
  if (input.credentials !== undefined) settings.provisioning.credentials = { ...input.credentials };
  const pinned = merged.firmware?.[model.id];
  if (pinned !== undefined) {
    settings.firmware = {
      url: `${publicUrl}firmware/${encodeURIComponent(model.vendor)}/${encodeURIComponent(pinned.file)}`,
      version: pinned.version,
    };
  }
  const directory = model.files.find((file) => file.kind === 'directory' && (input.mac !== undefined || !/\{mac\}/i.test(file.name)));
  if (directory !== undefined) settings.directory = { url: `${publicUrl}${fileNameFor(directory, model, input.mac)}` };
  if (input.agentToken !== undefined) settings.agentToken = input.agentToken;
  return settings;
}
