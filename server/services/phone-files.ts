import { BanList, type BanPolicy } from '../domain/ban-list.ts';
import { createBoundedMemo } from '../domain/bounded-memo.ts';
import type { Device } from '../domain/device.ts';
import type { DigestConfig } from '../domain/digest-auth.ts';
import type { AccessVerdict } from '../domain/phone-access.ts';
import type { Site } from '../domain/site.ts';
import { isAppError } from '../errors.ts';
import { networkGuard, type NetworkGuard } from '../domain/site-network-guard.ts';
import { eventKeyFor } from '../provisioning/event-key.ts';
import { identifyKeyFile } from '../provisioning/file-encryption.ts';
import { checkFileName } from '../provisioning/file-name-guard.ts';
import { identify, macsAgree } from '../provisioning/identify.ts';
import { inputRevision, settingsRevision } from '../provisioning/input-revision.ts';
import { RenderCache, type CachedFile, type RenderCacheLimits } from '../provisioning/render-cache.ts';
import { renderFile } from '../provisioning/render.ts';
import { resolveSettings, type LineSource } from '../provisioning/resolve-settings.ts';
import { withFirmware } from '../provisioning/firmware-override.ts';
import type {
  CanonicalSettings,
  Catalog,
  DirectoryEntry,
  Identification,
  ModelFile,
  ModelProfile,
  ProfileSettings,
} from '../provisioning/types.ts';
import { maskSecrets, withholdSecrets } from '../provisioning/withhold-secrets.ts';
import { strongEtag } from '../provisioning/content-etag.ts';
import type { PhoneReadRepo } from '../store/phone-read-repo.ts';
import type { Store } from '../store/repositories.ts';
import type { WriteGeneration } from '../store/write-generation.ts';
import type { DiscoveredInput } from './device-service.ts';
import type { PhoneFetchProblems } from './phone-fetch-problems.ts';
import { createGenerationMemo, memoizeReads } from './generation-memo.ts';
import { createPhoneFileEncryption } from './phone-file-encryption.ts';
import { createPhoneReads } from './phone-reads.ts';
import { createPhoneTrust } from './phone-trust.ts';
import { ServedRecorder } from './served-recorder.ts';
import {
  BANNED_BODY,
  createPhoneAnswers,
  FORBIDDEN_BODY,
  JSON_TYPE,
  NOT_FOUND_BODY,
  OUTSIDE_BODY,
  TOO_LARGE_BODY,
  type PhoneLogEvent,
  type PhoneRequest,
  type PhoneResult,
} from './phone-answers.ts';

export type { PhoneLogEvent, PhoneRequest, PhoneResult, PhoneTransport } from './phone-answers.ts';
export { OUTSIDE_BODY } from './phone-answers.ts';

/**
 * The phone pipeline (DESIGN.md "The flow"): identify → guard → resolve settings → render →
 * cache → answer, for HTTP, HTTPS and TFTP alike. Front ends translate a request into a
 * `PhoneRequest` and the `PhoneResult` back into their protocol; none of them renders or reads
 * the store. Trust rules and their reasons: docs/SECURITY.md.
 */

export interface PhoneTrustOptions {
  /** How long a newly provisioned device may fetch without credentials (trust on first use). */
  claimWindowMs: number;
  /** After the first hand-out, how long the same source may finish its boot without credentials. */
  graceMs: number;
  nonceTtlMs: number;
  realm: string;
  ban: Partial<BanPolicy>;
  cache: Partial<RenderCacheLimits>;
  /** Bumps cached renders when the rendering code changes. */
  rendererVersion: string;
  maxUploadBytes: number;
  maxUploadsPerDevice: number;
  /**
   * Refusals (uniform 401, 403 for another device's credentials) are answered no sooner than this
   * after the request arrived, so the extra lookups of a known device do not show in the timing
   * (E911-SECURITY §2.5 item 4). Applied by the HTTP front end.
   */
  refusalFloorMs: number;
  /**
   * Site ids (or `*` for all) whose devices must authenticate with a vendor client certificate
   * over HTTPS (E911-SECURITY §2.5 item 7): Digest and the claim window are refused there, and
   * TFTP serves their files without secrets.
   */
  certificateSites: readonly string[];
  /**
   * Site ids (or `*` for all) whose devices get their secret-bearing files encrypted with a
   * per-device key where the model's catalogue entry declares an encryption (§2.5 item 9).
   */
  encryptedFileSites: readonly string[];
}

export const DEFAULT_TRUST_OPTIONS: PhoneTrustOptions = {
  claimWindowMs: 7 * 24 * 3_600_000,
  graceMs: 10 * 60_000,
  nonceTtlMs: 5 * 60_000,
  realm: 'deskprov',
  ban: {},
  // Room for every file of a 10,000-phone building (~25,000 files), so a boot storm after a power
  // cut is served from memory (docs/PERFORMANCE.md); bytes stay bounded whatever the count.
  cache: { maxEntries: 50_000, maxBytes: 96 * 1024 * 1024 },
  rendererVersion: '1',
  maxUploadBytes: 256 * 1024,
  maxUploadsPerDevice: 16,
  refusalFloorMs: 8,
  certificateSites: [],
  encryptedFileSites: [],
};

export interface PhoneFilesDeps {
  store: Store;
  phoneRepo: PhoneReadRepo;
  catalog: Catalog;
  /** The core's "discovered device" write (services.devices.recordDiscovered). */
  recordDiscovered: (input: DiscoveredInput) => unknown;
  /** Read per request: main.ts may learn the port only after listening. */
  publicUrl: () => string;
  now?: () => number;
  random: (bytes: number) => Buffer;
  /** HMAC key for Digest nonces. */
  nonceKey: Buffer;
  onError?: (err: unknown) => void;
  options?: Partial<PhoneTrustOptions>;
  /**
   * The firmware a staged rollout points this device at (services/firmware-rollouts.ts):
   * undefined leaves the profile's pinned firmware, null removes it, a value replaces it.
   */
  firmwareFor?: (device: Device, model: ModelProfile, reported: string | undefined) => { url: string; version: string } | null | undefined;
  /** Remembers why a known phone's fetch failed, for its status (services/phone-fetch-problems.ts). */
  fetchProblems?: PhoneFetchProblems;
  /**
   * The store's write generation (store/write-generation.ts): when given, the rows a fetch reads
   * are kept in memory until it moves, so a warm boot storm reads each device's rows once.
   */
  generation?: Pick<WriteGeneration, 'current' | 'beyondConfigEdits'>;
}

/** What Poly phones upload (VENDORS.md §2 and rule 4): logs, local settings, call lists, contacts. */
export const UPLOAD_NAME = /^([0-9a-fA-F]{12})-(phone\.cfg|web\.cfg|app\.log|boot\.log|calls\.xml|directory\.xml)$/;

/** A file's resolved settings, directory and the revision they hash to. */
interface ResolvedInputs {
  settings: CanonicalSettings;
  directory: DirectoryEntry[] | undefined;
  revision: string;
  referenceYear: number;
}

/** A device's (or a shared file's) resolved settings and their hash, shared by all its files. */
interface ResolvedSettings {
  settings: CanonicalSettings;
  revision: string;
}

/** The device, its site and everything its lines need, read in one go. */
interface DeviceContext {
  device: Device;
  site: Site;
  model: ModelProfile;
  file: ModelFile;
  canonicalName: string;
  lines: LineSource;
  profileChain: ProfileSettings[];
  /** The request is for the key file of `file` (encrypted files, §2.5 item 9). */
  keyFile: boolean;
}

/**
 * The store and phone repository with the reads of a fetch remembered per write generation.
 * Devices and profiles are what a config edit writes; the other rows outlive it.
 */
function rememberedReads(
  store: Store,
  phoneRepo: PhoneReadRepo,
  generation: Pick<WriteGeneration, 'current' | 'beyondConfigEdits'>,
): { store: Store; phoneRepo: PhoneReadRepo } {
  const any = () => generation.current();
  const beyondConfigEdits = () => generation.beyondConfigEdits();
  return {
    store: {
      ...store,
      devices: memoizeReads(store.devices, ['get', 'getByMac'], any),
      profiles: memoizeReads(store.profiles, ['get'], any),
      sites: memoizeReads(store.sites, ['get', 'list'], beyondConfigEdits),
      extensions: memoizeReads(store.extensions, ['get'], beyondConfigEdits),
      users: memoizeReads(store.users, ['list'], beyondConfigEdits),
    },
    phoneRepo: memoizeReads(phoneRepo, ['sites', 'credentialsOf', 'credentialsByUsername'], beyondConfigEdits),
  };
}

export function createPhoneFiles(deps: PhoneFilesDeps) {
  const options: PhoneTrustOptions = { ...DEFAULT_TRUST_OPTIONS, ...deps.options };
  const now = deps.now ?? Date.now;
  const { catalog } = deps;
  const { store, phoneRepo } = deps.generation === undefined ? deps : rememberedReads(deps.store, deps.phoneRepo, deps.generation);
  const bans = new BanList(options.ban, now);
  const cache = new RenderCache(options.cache);
  /** Masked bodies for the "served" record, per (device, file, revision): rendered once, not per fetch. */
  const maskedCache = new RenderCache(options.cache);
  /** Parsed allow-lists by their CIDR text: parsing per request cost more than the rest of the guard. */
  const guards = createBoundedMemo<string, NetworkGuard>(1_000);
  const guardOf = (networks: readonly string[]): NetworkGuard => guards.get(networks.join(','), () => networkGuard(networks));
  const unionGuardOf = (all: readonly Site[]): NetworkGuard => guardOf(all.flatMap((site) => site.networks));
  const digest: DigestConfig = { realm: options.realm, key: deps.nonceKey, now, nonceTtlMs: options.nonceTtlMs };
  const onError = deps.onError ?? (() => undefined);
  const isoNow = (): string => new Date(now()).toISOString();
  const recorder = new ServedRecorder({
    recordServed: (batch) => phoneRepo.recordServed(batch),
    recordDiscovered: (input) => void deps.recordDiscovered(input),
    onError,
  });

  const { event, jsonAnswer, miss, uniform, served } = createPhoneAnswers({ bans, digest });
  const trust = createPhoneTrust({
    phoneRepo,
    digest,
    now,
    random: deps.random,
    claimWindowMs: options.claimWindowMs,
    graceMs: options.graceMs,
    certificateSites: options.certificateSites,
  });
  const { credentialsFor, decide } = trust;
  const encryption = createPhoneFileEncryption({ sites: options.encryptedFileSites, credentialsFor, cache });
  const reads = createPhoneReads(store, () => phoneRepo.sites());
  const { sites, linesOf, profileChainOf, directoryOf } = reads;

  /** Looks the MAC up and checks everything except credentials; a string says why it is not served. */
  function deviceContext(req: PhoneRequest, ident: Identification & { mac: string }): DeviceContext | string {
    if (!macsAgree(ident)) return 'MAC in User-Agent differs from MAC in name';
    const device = store.devices.getByMac(ident.mac);
    const seen = (modelId: string) => ({
      mac: ident.mac,
      modelId,
      ip: req.ip,
      ua: req.userAgent ?? null,
      firmware: ident.firmware ?? null,
      now: new Date(now()),
    });
    if (device === undefined) {
      const model = ident.models[0];
      if (model !== undefined) recorder.discovered(seen(model.id));
      return 'unknown MAC';
    }
    if (device.state !== 'provisioned' && device.state !== 'retired') {
      recorder.discovered(seen(device.model));
      return `device ${device.state}`;
    }
    const site = device.siteId === null ? undefined : store.sites.get(device.siteId);
    if (site === undefined) return 'device has no site';
    if (!guardOf(site.networks).allows(req.ip)) return 'source outside the device site networks';
    const candidate = ident.candidates?.find((c) => c.model.id === device.model);
    if (candidate === undefined) return 'file is not one the device model asks for';
    // The UA is forgeable, so this is a consistency check, never authentication (§2.5 item 6).
    if (ident.uaVendors !== undefined && !ident.uaVendors.includes(candidate.model.vendor)) {
      return 'User-Agent of another vendor';
    }
    return {
      device,
      site,
      model: candidate.model,
      file: candidate.file,
      canonicalName: candidate.canonicalName,
      lines: linesOf(device),
      profileChain: [...profileChainOf(device.profileId)],
      keyFile: ident.keyFile === true,
    };
  }

  /** The content-addressed revision of one file's inputs (provisioning/input-revision.ts). */
  function revisionOf(
    model: ModelProfile,
    fileName: string,
    mac: string | undefined,
    settings: ResolvedSettings,
    directory: DirectoryEntry[] | undefined,
    referenceYear: number,
  ): string {
    return inputRevision({
      catalogRevision: catalog.revision,
      rendererVersion: `${options.rendererVersion}/${referenceYear}`,
      modelId: model.id,
      fileName,
      settingsRevision: settings.revision,
      ...(mac === undefined ? {} : { mac }),
      ...(directory === undefined ? {} : { directory }),
    });
  }

  /** Renders (or takes from the cache) one file whose revision is known. */
  function renderAt(
    cacheKey: string,
    model: ModelProfile,
    file: ModelFile,
    fileName: string,
    mac: string | undefined,
    inputs: ResolvedInputs,
  ): { file: CachedFile; revision: string } {
    const { settings, directory, revision, referenceYear } = inputs;
    const cached = cache.get(cacheKey, fileName, revision);
    if (cached !== undefined) return { file: cached, revision };
    const rendered = renderFile({
      model,
      file,
      settings,
      referenceYear,
      ...(mac === undefined ? {} : { mac }),
      ...(directory === undefined ? {} : { directory }),
    });
    const out: CachedFile = { body: rendered.body, contentType: rendered.contentType, etag: strongEtag(rendered.body) };
    cache.set(cacheKey, fileName, revision, out);
    return { file: out, revision };
  }

  // Settings and their revision depend only on rows the fetch read (remembered per write
  // generation) and on the key's other parts, so they are resolved and hashed once per generation
  // instead of on every request. Without a generation (embedding, unit tests) nothing is kept.
  const generation = deps.generation;
  const resolvedInputs = generation === undefined ? undefined : createGenerationMemo<ResolvedInputs>(() => generation.current());
  const resolvedOnce = (key: string, resolve: () => ResolvedInputs): ResolvedInputs =>
    resolvedInputs === undefined ? resolve() : resolvedInputs.get(key, resolve);
  // One level up: the settings do not depend on the file, so a device's files share one resolve
  // and one hash of the settings (a cold storm resolves each device once, not once per file).
  const resolvedSettings = generation === undefined ? undefined : createGenerationMemo<ResolvedSettings>(() => generation.current());
  const settingsOnce = (key: string, resolve: () => CanonicalSettings): ResolvedSettings => {
    const make = (): ResolvedSettings => {
      const settings = resolve();
      return { settings, revision: settingsRevision(settings) };
    };
    return resolvedSettings === undefined ? make() : resolvedSettings.get(key, make);
  };

  /** A shared file (no MAC): no device, no secrets; the site is the one whose network the phone is on. */
  function sharedFile(req: PhoneRequest, ident: Identification): PhoneResult {
    const all = sites();
    const onNetwork = all.find((s) => s.networks.length > 0 && guardOf(s.networks).allows(req.ip));
    const site = onNetwork ?? (all.length === 1 ? all[0] : undefined);
    const model = ident.models[0] ?? ident.candidates?.[0]?.model;
    if (model === undefined) return jsonAnswer(404, NOT_FOUND_BODY, event(req, 'not-found', 404));
    const publicUrl = deps.publicUrl();
    const referenceYear = new Date(now()).getUTCFullYear();
    const sharedKey = `shared\0${site?.id ?? '-'}\0${model.id}\0${publicUrl}\0${referenceYear}`;
    const inputs = resolvedOnce(`${sharedKey}\0${ident.canonicalName}`, () => {
      const resolved = settingsOnce(sharedKey, () =>
        resolveSettings({
          model,
          site: site ?? { timezone: 'UTC', registrar: { host: new URL(publicUrl).hostname } },
          profileChain: [],
          lines: { kind: 'none' },
          publicUrl,
        }),
      );
      const directory = ident.file.kind === 'directory' ? directoryOf(site?.id ?? null) : undefined;
      return { settings: resolved.settings, directory, referenceYear, revision: revisionOf(model, ident.canonicalName, undefined, resolved, directory, referenceYear) };
    });
    // Per model: a shared name (y000000000000.boot, directories) renders differently per model, and
    // one slot per name would make the models of a mixed building evict each other on every fetch.
    const key = `shared:${site?.id ?? '-'}:${model.id}`;
    const { file, revision } = renderAt(key, model, ident.file, ident.canonicalName, undefined, inputs);
    return served(req, file, revision, { model: model.id, via: 'shared' });
  }

  /** The answer for a verdict that does not serve: 403, a stale challenge, or the uniform 401. */
  function refusal(
    req: PhoneRequest,
    verdict: Exclude<AccessVerdict, { kind: 'serve' }>,
    logged: Partial<PhoneLogEvent>,
  ): PhoneResult {
    if (verdict.kind === 'forbidden') {
      return miss(jsonAnswer(403, FORBIDDEN_BODY, event(req, 'forbidden', 403, { reason: verdict.reason, ...logged })), req.ip);
    }
    if (verdict.kind === 'stale') return uniform(req, 'stale nonce', logged, true);
    return uniform(req, verdict.reason, logged);
  }

  function deviceFile(req: PhoneRequest, ident: Identification & { mac: string }): PhoneResult {
    const context = deviceContext(req, ident);
    const inService = typeof context === 'string' ? null : context;
    const logged = { mac: ident.mac, ...(inService === null ? {} : { model: inService.model.id }) };
    if (req.transport === 'tftp') return tftpDeviceFile(req, inService, logged, ident.firmware);
    const { verdict, creds } = decide(req, inService?.device ?? null, typeof context === 'string' ? context : '');
    if (verdict.kind !== 'serve') return refusal(req, verdict, logged);
    if (inService === null || creds === null) return uniform(req, 'unknown', logged);
    if (verdict.firstHandOut && inService.file.secrets) phoneRepo.markHandedOut(inService.device.id, isoNow(), req.ip);
    if (verdict.via === 'credentials') bans.forgive(req.ip);
    const credentials = { username: creds.username, password: creds.secret };
    return renderDeviceFile(req, inService, credentials, false, { ...logged, via: verdict.via }, ident.firmware);
  }

  /**
   * TFTP cannot authenticate: a device's file goes to its site's networks only, with secrets only
   * when the site allows TFTP secrets (E911-SECURITY §2.5 item 8), else secret-free.
   */
  function tftpDeviceFile(
    req: PhoneRequest,
    context: DeviceContext | null,
    logged: Partial<PhoneLogEvent>,
    firmware: string | undefined,
  ): PhoneResult {
    if (context === null) return miss(jsonAnswer(404, NOT_FOUND_BODY, event(req, 'refused', 404, logged)), req.ip);
    if (!context.site.tftpSecrets || trust.certificateRequired(context.device)) {
      return renderDeviceFile(req, context, undefined, true, { ...logged, via: 'tftp-withheld' }, firmware);
    }
    const creds = credentialsFor(context.device);
    const credentials = { username: creds.username, password: creds.secret };
    return renderDeviceFile(req, context, credentials, false, { ...logged, via: 'tftp-secrets' }, firmware);
  }

  function renderDeviceFile(
    req: PhoneRequest,
    context: DeviceContext,
    credentials: { username: string; password: string } | undefined,
    withhold: boolean,
    logged: Partial<PhoneLogEvent>,
    firmware: string | undefined,
  ): PhoneResult {
    const { device, model, file, canonicalName } = context;
    const encryptWith = encryption.encryptionOf(context.site, file);
    if (context.keyFile) {
      // The file key is a secret: never in a secret-free (TFTP) answer, and only where files are encrypted.
      if (encryptWith === undefined || withhold) return jsonAnswer(404, NOT_FOUND_BODY, event(req, 'not-found', 404, { ...logged, reason: 'no key file' }));
      return served(req, encryption.keyFile(device, encryptWith), 'key', logged);
    }
    const publicUrl = deps.publicUrl();
    const referenceYear = new Date(now()).getUTCFullYear();
    const override = deps.firmwareFor?.(device, model, firmware);
    // The device's rows and credentials are fixed within a write generation; what else goes in is in the key.
    const settingsKey = [
      'device',
      device.id,
      model.id,
      withhold ? 'withheld' : 'full',
      credentials === undefined ? 'no-credentials' : 'credentials',
      override === undefined ? 'profile-firmware' : JSON.stringify(override),
      publicUrl,
      referenceYear,
    ].join('\0');
    const inputs = resolvedOnce(`${settingsKey}\0${canonicalName}`, () => {
      const resolved = settingsOnce(settingsKey, () => {
        const full = withFirmware(
          resolveSettings({
            model,
            mac: device.mac,
            site: context.site,
            profileChain: context.profileChain,
            lines: context.lines,
            publicUrl,
            configRevision: device.configRevision,
            // The event key derives from the credentials, so a file without them has no key either.
            ...(credentials === undefined ? {} : { credentials, eventKey: eventKeyFor(device.mac, credentials.password) }),
          }),
          override,
        );
        return withhold ? withholdSecrets(full) : full;
      });
      const directory = file.kind === 'directory' ? directoryOf(context.site.id) : undefined;
      return { settings: resolved.settings, directory, referenceYear, revision: revisionOf(model, canonicalName, device.mac, resolved, directory, referenceYear) };
    });
    const { settings, directory } = inputs;
    let rendered: ReturnType<typeof renderAt>;
    try {
      rendered = renderAt(device.id, model, file, canonicalName, device.mac, inputs);
    } catch (err) {
      // Render errors name the key, never the value (templates/README.md), so the message is safe to show.
      deps.fetchProblems?.renderFailed(device.mac, canonicalName, isAppError(err) ? (err as Error).message : 'internal error');
      throw err;
    }
    const { revision } = rendered;
    // Encrypted after rendering: where the site asks for it, the plaintext never leaves (§2.5 item 9).
    const out = encryptWith === undefined ? rendered.file : encryption.encrypted(device, encryptWith, canonicalName, revision, rendered.file);
    recorder.served({
      deviceId: device.id,
      file: canonicalName,
      revision,
      etag: out.etag,
      maskedBody: () => {
        const hit = maskedCache.get(device.id, canonicalName, revision);
        if (hit !== undefined) return hit.body;
        const masked = renderFile({
          model,
          file,
          settings: maskSecrets(settings),
          mac: device.mac,
          referenceYear: new Date(now()).getUTCFullYear(),
          ...(directory === undefined ? {} : { directory }),
        });
        maskedCache.set(device.id, canonicalName, revision, { body: masked.body, contentType: masked.contentType, etag: '' });
        return masked.body;
      },
      at: isoNow(),
      ip: req.ip,
      userAgent: req.userAgent ?? null,
      firmware: firmware ?? null,
      transport: req.transport,
      configRevision: device.configRevision,
    });
    return served(req, out, revision, logged);
  }

  /** Answers one phone request. Never throws for anything a phone can send. */
  function fetch(req: PhoneRequest): PhoneResult {
    const result = answer(req);
    deps.fetchProblems?.observe(result.logEvent);
    return result;
  }

  function answer(req: PhoneRequest): PhoneResult {
    if (bans.isBanned(req.ip)) return jsonAnswer(429, BANNED_BODY, event(req, 'banned', 429), { 'retry-after': '900' });
    const name = checkFileName(req.path);
    if (!name.ok) return jsonAnswer(404, NOT_FOUND_BODY, event(req, 'not-found', 404, { reason: name.reason }));
    if (!unionGuardOf(sites()).allows(req.ip)) {
      const refused = jsonAnswer(403, OUTSIDE_BODY, event(req, 'outside-networks', 403));
      // The device's status says why its phone gets nothing; the answer and the log stay as they are.
      const mac = deps.fetchProblems === undefined ? undefined : identify(catalog, { path: req.path, userAgent: req.userAgent })?.mac;
      if (mac !== undefined) deps.fetchProblems?.observe({ ...refused.logEvent, mac, reason: 'source outside the device site networks' });
      return refused;
    }
    const ident = identify(catalog, { path: req.path, userAgent: req.userAgent }) ?? identifyKeyFile(catalog, { path: req.path, userAgent: req.userAgent });
    if (ident === null) {
      return jsonAnswer(404, NOT_FOUND_BODY, event(req, 'not-found', 404, { reason: 'no model asks for this name' }));
    }
    const result = ident.mac === undefined ? sharedFile(req, ident) : deviceFile(req, { ...ident, mac: ident.mac });
    return { ...result, vendor: ident.vendor };
  }

  /**
   * Poly phones PUT their logs and local settings (`<mac>-app.log`, `<mac>-phone.cfg`, …; VENDORS.md
   * rule 4). Kept per device, capped in size and count, only from a device that may fetch its own
   * files; anyone else gets the uniform answer, so uploads are no oracle either.
   */
  function upload(req: PhoneRequest, body: Buffer): PhoneResult {
    if (bans.isBanned(req.ip)) return jsonAnswer(429, BANNED_BODY, event(req, 'banned', 429), { 'retry-after': '900' });
    if (!checkFileName(req.path).ok || !unionGuardOf(sites()).allows(req.ip)) {
      return jsonAnswer(403, OUTSIDE_BODY, event(req, 'outside-networks', 403));
    }
    const m = UPLOAD_NAME.exec(req.path);
    if (m === null) return jsonAnswer(404, NOT_FOUND_BODY, event(req, 'not-found', 404, { reason: 'not an upload name' }));
    const mac = (m[1] ?? '').toLowerCase();
    const device = store.devices.getByMac(mac);
    const site = device?.siteId == null ? undefined : store.sites.get(device.siteId);
    const inService =
      device !== undefined &&
      site !== undefined &&
      (device.state === 'provisioned' || device.state === 'retired') &&
      catalog.get(device.model)?.vendor === 'poly' &&
      guardOf(site.networks).allows(req.ip)
        ? device
        : null;
    const { verdict } = decide(req, inService, 'no device may upload here');
    if (verdict.kind !== 'serve') return refusal(req, verdict, { mac });
    if (inService === null) return uniform(req, 'unknown', { mac });
    if (body.length > options.maxUploadBytes) {
      return jsonAnswer(413, TOO_LARGE_BODY, event(req, 'refused', 413, { mac, reason: 'too large' }));
    }
    const upload = { deviceId: inService.id, file: req.path.toLowerCase(), body, at: isoNow() };
    phoneRepo.saveUpload(upload, options.maxUploadsPerDevice);
    const logEvent = event(req, 'uploaded', 204, { mac, via: verdict.via });
    return { status: 204, headers: { 'cache-control': 'no-store' }, contentType: JSON_TYPE, logEvent };
  }

  return {
    fetch,
    upload,
    bans,
    cache,
    recorder,
    options,
    /** Writes pending served/discovered records now. */
    flush: () => recorder.flush(),
    close: () => recorder.flush(),
    credentialsFor,
    reads,
  };
}

export type PhoneFiles = ReturnType<typeof createPhoneFiles>;
