import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { listenUrl, type Config } from './config.ts';
import { buildApp, type App, type AppPlugin } from './http/app.ts';
import { ensureTlsCertificate, listenHttps, type HttpsListener } from './http/tls.ts';
import { readVendorCaBundles } from './http/tls-client-cert.ts';
import { createPhoneFrontEnd, type PhoneFrontEnd } from './http/phone-front-end.ts';
import { uiPlugin } from './http/ui-plugin.ts';
import { metricsPlugin } from './http/metrics-plugin.ts';
import { serviceMetricsSources } from './metrics/metrics-sources.ts';
import { createServerMetrics } from './metrics/server-metrics.ts';
import { readCatalog } from './io/read-catalog.ts';
import { createLogger } from './logger.ts';
import { startDiscovery, type Discovery } from './discovery/start-discovery.ts';
import { matchPnpModel } from './provisioning/pnp-model-match.ts';
import { sendCheckSync } from './discovery/check-sync-sender.ts';
import { createServices, type Services } from './services/index.ts';
import { startPollScheduler } from './location/poll-scheduler.ts';
import { openStoreDatabase } from './store/database.ts';
import { startTftpServer, type TftpServer } from './tftp/tftp-server.ts';

/** The package root: catalogue data ships with the code, wherever the process was started from. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServeOptions {
  /** Where the banner and the first-start token go (stderr by default, never the JSON log). */
  print?: (line: string) => void;
  logger?: Logger;
  /** Front ends added by later features (phone files, agent, web console). */
  extraPlugins?: readonly AppPlugin[];
}

/** A running server: where it listens and how to stop it. */
export interface RunningServer {
  app: App;
  services: Services;
  /** The phone pipeline shared by HTTP and TFTP (its `tftpSource` feeds the TFTP listener). */
  phoneFrontEnd: PhoneFrontEnd;
  /** The HTTP base URL actually bound (port filled in when `--http` gave port 0). */
  httpUrl: string;
  /** Null when HTTPS is off (the default). */
  https: HttpsListener | null;
  /** Null when `--tftp off`. */
  tftp: TftpServer | null;
  /** Null when no discovery interface is configured (the default). */
  discovery: Discovery | null;
  /**
   * Stops accepting, sends mDNS goodbyes, lets in-flight HTTP requests and TFTP transfers finish
   * (TFTP for up to `graceMs`, default 0), then closes the database.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const ROLLOUT_TICK_MS = 60_000;

function packageVersion(): string {
  const text = fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * Starts deskprov from one config: database, catalogue, services, housekeeping, then the
 * listeners: HTTP, HTTPS (`config.https`), TFTP (`config.tftp`) and discovery
 * (`config.discovery`), all over the same app, services and phone pipeline.
 */
export async function serve(config: Config, options: ServeOptions = {}): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const logger = options.logger ?? createLogger({ level: config.logLevel });

  fs.mkdirSync(config.dataDir, { recursive: true });
  const db = await openStoreDatabase(config);
  let timer: NodeJS.Timeout | undefined;
  try {
    const catalog = readCatalog(path.join(PACKAGE_ROOT, 'firmware-profiles'));
    const services = createServices({
      db,
      catalog,
      // Every check-sync (after edits and for rollouts) goes through services.checkSyncPush: the
      // site switch, the reported contact, the throttle and the device status apply to all of them.
      checkSync: { send: (contact) => sendCheckSync(contact).then((result) => (metrics.observeCheckSync(result), result)) },
      // Kari's Law notification: configured numbers; failures reach the log as well as alerts and audit.
      emergency: { ...config.emergency, log: (message, fields) => logger.warn(fields, message) },
    });

    const bootstrap = services.tokens.ensureBootstrap(config.adminToken);
    if (bootstrap.token !== null) {
      print(
        `\ndeskprov: first start — the super-admin API token (shown once, stored only as a hash):\n  ${bootstrap.token}\n`,
      );
    }

    const purge = (): void => {
      try {
        const purged = services.retention.purgeExpired();
        if (purged > 0) logger.info({ purged }, 'purged expired restorable bindings');
      } catch (err) {
        logger.error({ err }, 'retention purge failed');
      }
    };
    purge();
    // The purge must not keep the process alive on its own.
    timer = setInterval(purge, config.limits.retentionIntervalMs).unref();

    // One phone pipeline per process: HTTP routes here, and the same file source for TFTP.
    const phoneFrontEnd = createPhoneFrontEnd({ db, catalog, config, services, logger, checkSync: (device) => void services.checkSyncPush.push([device]) });
    // GET /metrics; TFTP and discovery stats are read at scrape time, once those below exist.
    const metrics = createServerMetrics(
      serviceMetricsSources({
        services,
        renderCache: phoneFrontEnd.phone.cache,
        tftpStats: () => tftp?.stats() ?? null,
        discovery: () => discovery,
      }),
    );
    const app = await buildApp({
      config,
      services,
      catalog,
      logger,
      version: packageVersion(),
      extraPlugins: [metricsPlugin(metrics), phoneFrontEnd.plugin, uiPlugin, ...(options.extraPlugins ?? [])],
    });
    await app.listen({ host: config.http.host, port: config.http.port });
    const bound = app.server.address();
    const port = typeof bound === 'object' && bound !== null ? bound.port : config.http.port;
    const httpUrl = listenUrl('http', { host: config.http.host, port });
    if (config.publicUrlDerived && config.http.port === 0) {
      config.publicUrl = listenUrl('http', { host: new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, ''), port });
    }

    let https: HttpsListener | null = null;
    let tls: { fingerprint256: string } | null = null;
    let tftp: TftpServer | null = null;
    let discovery: Discovery | null = null;
    try {
      if (config.https !== null) {
        // Certificate from <data>/tls/, self-signed on first use (CONTRACT.md).
        const material = await ensureTlsCertificate(path.join(config.dataDir, 'tls'), [new URL(config.publicUrl).hostname]);
        tls = material;
        // Vendor CAs: phones are asked for their factory certificate (docs/SECURITY.md, item 7).
        const clientCa = await readVendorCaBundles(config.phoneSecurity?.clientCaFiles ?? []);
        https = await listenHttps(app, { ...material, clientCa }, config.https, config.limits);
      }
      if (config.tftp !== null) {
        tftp = await startTftpServer({
          host: config.tftp.host,
          port: config.tftp.port,
          source: phoneFrontEnd.tftpSource,
          isBanned: phoneFrontEnd.tftpIsBanned,
          logger,
        });
      }
      discovery = await startDiscovery({
        interfaces: config.discovery,
        httpPort: port,
        publicUrl: () => config.publicUrl,
        dataDir: config.dataDir,
        logger,
        // A phone that asked by SIP PnP is recorded like one that asked for a file (P4).
        onDiscovered: (phone) => {
          const model = matchPnpModel(catalog, phone);
          if (model === undefined) {
            logger.debug({ mac: phone.mac, vendor: phone.vendor, model: phone.model }, 'sip pnp: model not in catalogue');
            return;
          }
          try {
            services.devices.recordDiscovered({
              mac: phone.mac,
              modelId: model.id,
              ip: phone.ip,
              ua: null,
              firmware: phone.version === '' ? null : phone.version,
              now: new Date(),
            });
          } catch (err) {
            // A refused MAC or a busy store must not take the responder down with it.
            logger.warn({ mac: phone.mac, err: (err as Error).message }, 'sip pnp: discovered phone not recorded');
          }
        },
      });
    } catch (err) {
      await tftp?.close();
      await https?.close();
      await app.close();
      throw err;
    }

    const tftpAddress = tftp?.address();
    print(
      [
        `deskprov serving on ${httpUrl}`,
        `  phones:    ${config.publicUrl}`,
        `  HTTPS:     ${https && tls ? `${https.url} (certificate SHA-256 ${tls.fingerprint256})` : 'off'}`,
        `  TFTP:      ${tftpAddress ? listenUrl('tftp', { host: tftpAddress.address, port: tftpAddress.port }) : 'off'}`,
        `  discovery: ${config.discovery.length > 0 ? config.discovery.join(', ') : 'off'}`,
        `  console:   ${httpUrl}ui/`,
        `  API:       ${httpUrl}api/v1 (OpenAPI: ${httpUrl}api/v1/openapi.json)`,
      ].join('\n'),
    );
    logger.info({ http: httpUrl, publicUrl: config.publicUrl, data: config.dataDir }, 'deskprov started');
    // Agentless location: switch polls and request-evidence sweeps (docs/LOCATION.md).
    const switchPolls = startPollScheduler(services.switches, {}, logger);
    // Firmware rollouts: rings, windows and the halt rule are looked at once a minute (docs/FIRMWARE.md).
    const rolloutTicks = setInterval(() => {
      try {
        phoneFrontEnd.rollouts.tick();
      } catch (err) {
        logger.error({ err }, 'firmware rollout tick failed');
      }
    }, ROLLOUT_TICK_MS).unref();

    let closing: Promise<void> | undefined;
    const close = (closeOptions: { graceMs?: number } = {}): Promise<void> => {
      closing ??= (async () => {
        clearInterval(timer);
        clearInterval(rolloutTicks);
        await switchPolls.stop();
        await discovery?.close();
        // Every listener stops accepting at once; each then waits for what it has in flight, HTTP
        // and TFTP up to the same deadline (a download still running then is cut off rather than
        // holding the stop past systemd's TimeoutStopSec).
        const graceMs = closeOptions.graceMs ?? 0;
        const cutHttp = graceMs > 0 ? setTimeout(() => app.server.closeAllConnections(), graceMs) : undefined;
        await Promise.all([tftp?.close({ graceMs }), https?.close({ graceMs }), app.close()]);
        clearTimeout(cutHttp);
        // In-flight report requests have their answers by now; anything still queued is written.
        await services.e911.flushReports();
        // Emergency-call deliveries still retrying give up (audited as failed) before the database closes.
        await services.emergencyNotify.close();
        services.checkSyncPush.close();
        db.close();
        logger.flush();
      })();
      return closing;
    };
    return { app, services, phoneFrontEnd, httpUrl, https, tftp, discovery, close };
  } catch (err) {
    clearInterval(timer);
    db.close();
    throw err;
  }
}

/**
 * How long TFTP transfers in progress may run on after SIGTERM: under the unit's
 * TimeoutStopSec=30, so systemd never has to SIGKILL a server that is only finishing transfers.
 */
export const SHUTDOWN_GRACE_MS = 20_000;

/**
 * Runs until SIGTERM or SIGINT, then shuts down gracefully (RunningServer.close with
 * SHUTDOWN_GRACE_MS) and resolves with the exit code. A second signal exits at once with code 1.
 */
export async function serveUntilSignal(
  config: Config,
  options: ServeOptions & { graceMs?: number; exit?: (code: number) => void } = {},
): Promise<number> {
  const server = await serve(config, options);
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  return new Promise((resolve) => {
    const again = (signal: NodeJS.Signals): void => {
      print(`deskprov: ${signal} again, exiting now`);
      exit(1);
    };
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      process.on('SIGTERM', again);
      process.on('SIGINT', again);
      print(`deskprov: ${signal}, shutting down (a second signal exits at once)`);
      server.close({ graceMs: options.graceMs ?? SHUTDOWN_GRACE_MS }).then(
        () => resolve(0),
        () => resolve(1),
      ).finally(() => {
        process.off('SIGTERM', again);
        process.off('SIGINT', again);
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
