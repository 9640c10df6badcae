import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { SqlDatabase } from '../store/sql-database.ts';
import type { Config } from '../config.ts';
import type { Device } from '../domain/device.ts';
import { firmwareStore } from '../io/firmware-store.ts';
import type { Catalog } from '../provisioning/types.ts';
import { createDeviceFilePreview } from '../services/device-file-preview.ts';
import { createFirmwareRollouts, type FirmwareRollouts } from '../services/firmware-rollouts.ts';
import type { Services } from '../services/index.ts';
import { createPhoneCredentialAdmin } from '../services/phone-credentials.ts';
import { createPhoneFiles, type PhoneTrustOptions } from '../services/phone-files.ts';
import { sqlitePhoneRepo } from '../store/phone-read-repo.ts';
import { sqliteRollouts } from '../store/rollout-repo.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import { parseSourceAddress, unionGuard } from '../domain/site-network-guard.ts';
import { withFirmware } from '../tftp/firmware-file-source.ts';
import { pipelineFileSource, tftpBanCheck, type PipelineLogger } from '../tftp/pipeline-file-source.ts';
import type { AppPlugin } from './app.ts';
import { registerPhoneRoutes } from './phone-routes.ts';
import { deviceFileRoutes } from './routes/device-files.ts';
import { firmwareRoutes } from './routes/firmware.ts';
import { rolloutRoutes } from './routes/rollouts.ts';
import { writeGenerationOf } from '../store/write-generation.ts';
import { secretBoxOf } from '../store/secret-box.ts';

/**
 * Wires the phone pipeline once per process: one render cache, one ban list and one "served"
 * recorder shared by HTTP, HTTPS and TFTP. `main.ts` passes `plugin` to `buildApp({extraPlugins})`
 * and `tftpSource`/`tftpIsBanned` to the TFTP server, and calls `close()` on shutdown.
 */

export interface PhoneFrontEndDeps {
  db: SqlDatabase;
  catalog: Catalog;
  config: Config;
  services: Services;
  logger?: PipelineLogger & { error(obj: object, msg: string): void };
  now?: () => number;
  random?: (bytes: number) => Buffer;
  options?: Partial<PhoneTrustOptions>;
  /** Largest firmware image accepted (bytes). */
  firmwareMaxBytes?: number;
  /** Asks a phone to fetch its config now (SIP check-sync), for rollouts; main.ts wires the sender. */
  checkSync?: (device: Device) => void;
}

export const DEFAULT_FIRMWARE_MAX_BYTES = 512 * 1024 * 1024;

export function createPhoneFrontEnd(deps: PhoneFrontEndDeps) {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? randomBytes;
  const store = createSqliteStore(deps.db);
  const phoneRepo = sqlitePhoneRepo(deps.db);
  const publicUrl = (): string => deps.config.publicUrl;
  // Firmware store and rollouts refer to each other (problems raise rollout alerts; rollouts ask the store).
  let rollouts: FirmwareRollouts | undefined;
  const firmware = firmwareStore(path.join(deps.config.dataDir, 'firmware'), {
    onProblem: (vendor, file, problem) => {
      deps.logger?.error({ vendor, file, problem }, 'firmware image unfit: not served');
      rollouts?.firmwareProblem(vendor, file, problem);
    },
    onStored: (vendor, file) => rollouts?.firmwareStored(vendor, file),
  });
  rollouts = createFirmwareRollouts(
    { store, catalog: deps.catalog, now: () => new Date(now()), random, newId: randomUUID },
    {
      repo: sqliteRollouts(deps.db),
      isServable: (vendor, file) => firmware.isServable(vendor, file),
      reported: (device) => {
        const status = deps.services.e911.deviceStatus(device.mac);
        return { firmware: status.firmware, registered: status.sip?.registered ?? null, lastSeen: status.lastSeen };
      },
      publicUrl,
      ...(deps.checkSync === undefined ? {} : { checkSync: deps.checkSync }),
      onAlert: (alert) => deps.logger?.error(alert, 'firmware alert'),
    },
  );
  const phone = createPhoneFiles({
    store,
    phoneRepo,
    catalog: deps.catalog,
    recordDiscovered: (input) => deps.services.devices.recordDiscovered(input),
    publicUrl,
    now,
    random,
    // Derived from the shared secret key: instances on one PostgreSQL accept each other's nonces.
    nonceKey: secretBoxOf(deps.db).derive('digest-nonce'),
    onError: (err) => deps.logger?.error({ err }, 'phone pipeline: recording failed'),
    fetchProblems: deps.services.phoneFetchProblems,
    generation: writeGenerationOf(deps.db),
    firmwareFor: (device, model, reported) => rollouts?.firmwareFor(device, model, reported),
    options: {
      ...(deps.config.phoneSecurity === undefined
        ? {}
        : { certificateSites: deps.config.phoneSecurity.certificateSites, encryptedFileSites: deps.config.phoneSecurity.encryptedFileSites }),
      ...deps.options,
    },
  });
  const preview = createDeviceFilePreview({
    store,
    catalog: deps.catalog,
    phoneRepo,
    reads: phone.reads,
    credentialsFor: phone.credentialsFor,
    publicUrl,
    now,
    flush: phone.flush,
    claimWindowMs: phone.options.claimWindowMs,
  });
  const credentials = createPhoneCredentialAdmin({ store, phoneRepo, random, now, claimWindowMs: phone.options.claimWindowMs });
  const maxBytes = deps.firmwareMaxBytes ?? DEFAULT_FIRMWARE_MAX_BYTES;

  const plugin: AppPlugin = async (app) => {
    registerPhoneRoutes(app, { phone, firmware });
    await app.register(deviceFileRoutes, { prefix: '/api/v1', preview, credentials });
    await app.register(firmwareRoutes, { prefix: '/api/v1', firmware, maxBytes, store, now });
    await app.register(rolloutRoutes, { prefix: '/api/v1', rollouts });
    // Start-up check of every stored image against its recorded hash (docs/FIRMWARE.md).
    app.addHook('onReady', async () => {
      await firmware.verifyAll();
    });
    app.addHook('onClose', async () => phone.close());
  };

  return {
    plugin,
    phone,
    phoneRepo,
    rollouts,
    firmware,
    // Firmware images over TFTP too, for phones (and DHCP option 66 setups) that only speak TFTP.
    tftpSource: withFirmware(pipelineFileSource(phone, deps.logger), firmware, (address) => unionGuard(phoneRepo.sites()).allows(parseSourceAddress(address)?.toString() ?? address)),
    tftpIsBanned: tftpBanCheck(phone),
    close: (): void => phone.close(),
  };
}

export type PhoneFrontEnd = ReturnType<typeof createPhoneFrontEnd>;
