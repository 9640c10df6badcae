import { randomBytes, randomUUID } from 'node:crypto';
import type { SqlDatabase } from '../store/sql-database.ts';
import type { Catalog, ModelProfile } from '../provisioning/types.ts';
import type { AuditFilter, Page } from '../store/repositories.ts';
import { sqliteE911 } from '../store/e911-repo.ts';
import { sqlitePhoneRepo } from '../store/phone-read-repo.ts';
import { sqliteSwitches } from '../store/switch-repo.ts';
import { createSnmpWalker } from '../location/snmp-walker.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import { listing, type ServiceContext } from './context.ts';
import { createBlastRadius } from './blast-radius.ts';
import { createDeviceService } from './device-service.ts';
import { createE911Service, type E911Options } from './e911.ts';
import { createEmergencyNotify, placedBy, type EmergencyNotifyOptions } from './emergency-notify.ts';
import { createEventAuth } from './event-auth.ts';
import { createPhoneFetchProblems } from './phone-fetch-problems.ts';
import { createExtensionService } from './extension-service.ts';
import { createImportService } from './import-service.ts';
import { createLocationEvidence, type LocationEvidenceOptions } from './location-evidence.ts';
import { createNumberService } from './number-service.ts';
import { createProfilePreview } from './profile-preview.ts';
import { createProfileService } from './profile-service.ts';
import { createRetentionService } from './retention-service.ts';
import { createSiteService } from './site-service.ts';
import { createSwitchService, type SwitchServiceOptions, type SwitchWalker } from './switches.ts';
import { createTokenService } from './token-service.ts';
import { sendCheckSync } from '../discovery/check-sync-sender.ts';
import { createCheckSyncPush, type CheckSyncPushOptions } from './check-sync-push.ts';
import { createUserService } from './user-service.ts';
import { writeGenerationOf } from '../store/write-generation.ts';
import { PostgresDatabase } from '../store/postgres/postgres-database.ts';
import { createStatusRelay } from '../store/postgres/status-relay.ts';

export interface ServiceDeps {
  db: SqlDatabase;
  catalog: Catalog;
  /** The clock; tests move it to cross the retention window. */
  now?: () => Date;
  /** Randomness for secrets and tokens; crypto.randomBytes unless a test pins it. */
  random?: (bytes: number) => Buffer;
  /** E911 registration adapter and time limits; defaults suit a LAN without a 911 provider. */
  e911?: E911Options;
  /** Emergency-call notification: extra numbers, retry and time limits, channels, failure log. */
  emergency?: EmergencyNotifyOptions;
  /** Agentless location: the SNMP walker (a test's own, or net-snmp), poll limits, evidence ages. */
  location?: { walker?: SwitchWalker; switches?: SwitchServiceOptions; evidence?: LocationEvidenceOptions };
  /** Check-sync push after edits that change a device's bytes; absent: no push (tests, embedding). */
  checkSync?: Partial<Omit<CheckSyncPushOptions, 'now'>>;
}

/** Every application service over one database. Each admin write is one transaction with its audit. */
export function createServices(deps: ServiceDeps) {
  const ctx: ServiceContext = {
    store: createSqliteStore(deps.db),
    catalog: deps.catalog,
    now: deps.now ?? (() => new Date()),
    random: deps.random ?? randomBytes,
    newId: randomUUID,
  };
  const users = createUserService(ctx);
  const devices = createDeviceService(ctx);
  const profiles = createProfileService(ctx);
  const e911Repo = sqliteE911(deps.db);
  const switchRepo = sqliteSwitches(deps.db);
  const statusRelay = deps.db instanceof PostgresDatabase ? createStatusRelay(deps.db, (mac) => e911.announceFromPeer(mac)) : null;
  const evidence = createLocationEvidence(ctx, e911Repo, switchRepo, deps.location?.evidence);
  const tokens = createTokenService(ctx, { generation: writeGenerationOf(deps.db).current });
  const phoneFetchProblems = createPhoneFetchProblems(ctx.now);
  const blastRadius = createBlastRadius(ctx);
  const switches = createSwitchService(ctx, switchRepo, evidence, deps.location?.walker ?? createSnmpWalker(), {
    ...deps.location?.switches,
    // Location changes made by polls, sweeps and request addresses reach the status stream.
    announceMoved: (macs) => {
      for (const mac of macs) e911.announce(mac);
    },
  });
  const e911 = createE911Service(ctx, e911Repo, {
    ...deps.e911,
    generation: writeGenerationOf(deps.db).current,
    networkEvidence: evidence.networkFor,
    extraAlerts: (device, state, entries) => [...evidence.alertsFor(device, state, entries), ...emergencyNotify.alertsFor(device)],
    locatedBy: evidence.locatedByFor,
    // Switch alerts join the device alerts of `GET /api/v1/alerts`.
    otherAlerts: (filter) => switches.alertsBySwitch(filter),
    fetchProblem: (device) => phoneFetchProblems.of(device.mac),
    reportTaken: (device, report) => emergencyNotify.reportTaken(device, report),
    // Several instances on one PostgreSQL: each one's status stream shows every instance's changes.
    ...(statusRelay === null ? {} : { statusChanged: (mac: string) => statusRelay.changed(mac) }),
  });
  // Kari's Law: told after each report; asks e911 where the device is.
  const emergencyNotify = createEmergencyNotify(ctx, { locate: (device) => placedBy(e911, device) }, deps.emergency);
  return {
    sites: createSiteService(ctx, blastRadius),
    users,
    extensions: createExtensionService(ctx),
    numbers: createNumberService(ctx),
    devices,
    profiles,
    profilePreview: createProfilePreview(ctx, profiles),
    blastRadius,
    checkSyncPush: createCheckSyncPush({
      now: ctx.now,
      // The site's policy and networks, and the contact the device last reported (agent or action URL).
      siteOf: (siteId) => ctx.store.sites.get(siteId),
      reportedContactOf: (device) => e911Repo.getDeviceState(device.id)?.lastReport?.sipContact ?? null,
      ...deps.checkSync,
      // Without the option nothing is sent: a push needs a server that means to reach phones.
      ...(deps.checkSync === undefined ? {} : { send: deps.checkSync.send ?? ((contact: string) => sendCheckSync(contact)) }),
    }),
    tokens,
    eventAuth: createEventAuth(ctx.store, sqlitePhoneRepo(deps.db), tokens.verifyDevice),
    retention: createRetentionService(ctx),
    import: createImportService(ctx, users, devices),
    e911,
    emergencyNotify,
    phoneFetchProblems,
    switches,
    audit: {
      list: (filter: AuditFilter, page: Page) => listing(page, ctx.store.audit.list(filter, page)),
    },
    models: {
      list: (): readonly ModelProfile[] => ctx.catalog.all(),
    },
    now: ctx.now,
  };
}

export type Services = ReturnType<typeof createServices>;
