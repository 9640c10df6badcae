/**
 * The shared vocabulary of provisioning: what a model is (catalogue data), what settings a phone
 * gets (the canonical tree), and what a dialect turns them into. Pure types, no behaviour.
 */

/** How a requested file name is matched and what it is. One entry per file a model asks for. */
export interface ModelFile {
  /**
   * File name as the phone requests it, with placeholders:
   * `{mac}` 12 lowercase hex, `{MAC}` 12 uppercase hex (matching is case-insensitive either way),
   * `{model}` the model's file token (`modelToken`, lowercase), `{MODEL}` the same upper-case.
   * Example: `{mac}.boot`, `y000000000000.boot`, `SEP{MAC}.cnf.xml`, `snom{model}-{MAC}.htm`.
   */
  name: string;
  /**
   * What the file is: `device` (per-MAC, may carry SIP secrets), `common` (shared by a model or
   * vendor, never secrets), `boot` (per-MAC or shared index of further files, never secrets),
   * `directory` (company phone book).
   */
  kind: 'device' | 'common' | 'boot' | 'directory';
  /** The dialect's name for this file's content, e.g. `boot`, `mac-cfg`, `master`, `phonebook`. */
  template: string;
  /** True when the rendered file carries SIP or provisioning secrets. */
  secrets: boolean;
  /** Optional: when the phone gets a 404 for this file it falls back to the next (informative). */
  optional?: boolean;
  /**
   * Optional: how this file is served encrypted to devices of sites that ask for encrypted files
   * (E911-SECURITY §2.5 item 9; provisioning/file-encryption.ts).
   */
  encryption?: FileEncryption;
}

/** A file served encrypted with a per-device key, and the file that delivers that key. */
export interface FileEncryption {
  /** The cipher step, e.g. `yealink-aes-128-ecb` (AES-128-ECB, key file wrapped with the phone's built-in key). */
  scheme: 'yealink-aes-128-ecb';
  /** Name of the key file (placeholders as in `name`), e.g. `{mac}_Security.enc`. */
  keyFile: string;
  /** The key built into the phones that unwraps the key file (public: it protects nothing by itself). */
  keyWrapKey: string;
}

/** One model in `firmware-profiles/<vendor>/<model>.json`. */
export interface ModelProfile {
  /** `<vendor>/<model>`, equal to the file's path below firmware-profiles without `.json`. */
  id: string;
  vendor: string;
  /** Marketing name, e.g. `SIP-T54W`. */
  name: string;
  /** Series within the vendor, e.g. `t5x`, `vvx`, `mpp-88xx`. */
  family: string;
  /** Dialect id: a folder `templates/<dialect>/`. Several vendors' models may share one. */
  dialect: string;
  /** Token used in file names (`{model}`), e.g. `d385` for Snom, `gxp2135` for Grandstream. */
  modelToken: string;
  /** Files in the order the phone asks for them. */
  files: ModelFile[];
  userAgent: {
    /** Regular expressions (source text), tried in order; named groups `mac` and `firmware` when present. */
    patterns: string[];
    /** Real User-Agent strings this model sends; also the test table of the patterns. */
    samples: string[];
    /**
     * Optional, parallel to `samples`: where each sample comes from (a source key of VENDORS.md),
     * or `synthetic` when it was built from the vendor's documented format, not seen on the wire.
     */
    sampleSources?: string[];
  };
  /** Number of SIP accounts (lines) and programmable keys the model has. */
  lines: number;
  keys: number;
  /** Firmware pinned for this model, when known. */
  firmware?: { file: string; version: string; sha256?: string };
  /** DHCP option 60 vendor class, when the model sends a distinctive one. */
  dhcpVendorClass?: string;
  /** MAC prefixes (OUI, 6 lowercase hex) the vendor ships this model with. */
  oui: string[];
  /** Optional: caveats about facts in this file that are not verified against a source. */
  notes?: string[];
}

export type Transport = 'udp' | 'tcp' | 'tls';

export interface LineSettings {
  /** 1-based line index on the phone. */
  index: number;
  enabled: boolean;
  extension: string;
  authUser: string;
  /** SIP password. Empty string when the pipeline withholds secrets (TFTP without tftpSecrets, previews). */
  secret: string;
  displayName: string;
  label: string;
  registrar: string;
  port: number;
  transport: Transport;
}

export interface LineKey {
  /** 1-based key index. */
  index: number;
  type: 'line' | 'blf' | 'speeddial';
  /** Line index for `line`, an extension for `blf`, a number for `speeddial`. */
  value: string;
  label: string;
}

/** The canonical settings tree (DESIGN.md "Settings and rendering"). */
export interface CanonicalSettings {
  lines: LineSettings[];
  time: { ntp: string; timezone: string /* IANA name, e.g. Europe/Berlin */ };
  provisioning: {
    /** Base URL phones fetch from, ending in `/`. */
    url: string;
    /** Per-device HTTP credentials to put in the config; absent when not handed out. */
    credentials?: { username: string; password: string };
  };
  firmware?: { url: string; version: string };
  /**
   * Where phones send their action/event URLs (our status endpoint), without query. `key` is the
   * device's event key inside `eventUrl` (a secret); `revision` the config revision the device
   * file carries, which the phone's setup-completed event echoes back as `rev`.
   */
  status: { eventUrl: string; key?: string; revision?: string };
  network: { lldp: boolean; vlan?: number };
  keys: LineKey[];
  /** The company directory's URL for this vendor, when one is published. */
  directory?: { url: string };
  /** Agent token for agents that run on the phone; a secret. */
  agentToken?: string;
  /** Raw vendor keys from the profile, applied last, for this device's dialect only. */
  raw: Record<string, string>;
  /** Language tag for the phone's UI, e.g. `en`. */
  language: string;
}

export interface DirectoryEntry {
  name: string;
  extension: string;
}

/** Everything a dialect needs to render one file. */
export interface RenderInput {
  model: ModelProfile;
  /** Canonical lowercase MAC; absent when rendering a shared (common/boot) file. */
  mac?: string;
  /** The file entry of `model.files` being rendered. */
  file: ModelFile;
  settings: CanonicalSettings;
  /** For `directory` files. */
  directory?: DirectoryEntry[];
  /**
   * Year whose daylight-saving rules are rendered (time-zone conversion). Optional so rendering
   * never reads the clock: the pipeline passes its `now`'s year; dialects default to a constant.
   */
  referenceYear?: number;
}

export interface RenderedFile {
  body: Buffer;
  contentType: string;
}

/** A vendor dialect: pure, deterministic (same input, same bytes). */
export interface Dialect {
  id: string;
  /** Template names this dialect can render (every `ModelFile.template` of its models). */
  templates: readonly string[];
  render(input: RenderInput): RenderedFile;
}

/** What identification learns from a request (path + User-Agent). */
export interface Identification {
  /** The matching catalogue models: one when the UA (or a model-specific name) pins it. */
  models: ModelProfile[];
  vendor: string;
  file: ModelFile;
  /** Requested name exactly as asked (for logs). */
  requested: string;
  /** The name under which to send the file (vendor's MAC case). */
  canonicalName: string;
  mac?: string;
  /** From the UA, when it carries them. */
  uaMac?: string;
  firmware?: string;
  /** The vendors of the models the User-Agent names, when it matched a catalogue pattern. */
  uaVendors?: readonly string[];
  /**
   * Optional: every (model, file) the name matched after UA narrowing, in catalogue order, each
   * with its own canonical name. Shared names (`{mac}.cfg`: Yealink, Poly, Fanvil, Aastra) give
   * several; `vendor`, `file` and `canonicalName` above are those of the first.
   */
  candidates?: Array<{ model: ModelProfile; file: ModelFile; canonicalName: string }>;
  /** Optional: the request names the key file of `file` (`file.encryption.keyFile`), not `file` itself. */
  keyFile?: boolean;
}

/** The loaded, validated catalogue of models (built from firmware-profiles/). */
export interface Catalog {
  get(id: string): ModelProfile | undefined;
  all(): readonly ModelProfile[];
  /** Ids close to an unknown one (edit distance / same vendor), best first, for error messages. */
  closeMatches(id: string, limit?: number): string[];
  /** Changes whenever any model file changes: part of every render cache key. */
  revision: string;
}

/**
 * What an admin-edited profile may set (stored as JSON, validated by the API). Everything is
 * optional: resolution merges defaults ← model ← site ← profile chain ← binding ← device.
 */
export interface ProfileSettings {
  time?: { ntp?: string; timezone?: string };
  network?: { lldp?: boolean; vlan?: number };
  sip?: { transport?: Transport; port?: number };
  keys?: LineKey[];
  language?: string;
  /** Firmware pinned per model id (`yealink/t54w`): the file must exist in the firmware store. */
  firmware?: Record<string, { version: string; file: string }>;
  /** Raw vendor keys per dialect id (`yealink`, `poly`, …), applied last. */
  raw?: Record<string, Record<string, string>>;
}
