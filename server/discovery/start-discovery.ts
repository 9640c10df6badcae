import path from 'node:path';
import { startMdnsAdvertiser, type MdnsAdvertiser, type MdnsStats } from './mdns-advertiser.ts';
import { startPnpResponder, type PnpDiscovered, type PnpResponder, type PnpStats } from './sip-pnp-responder.ts';

/**
 * Starts LAN discovery (mDNS/DNS-SD advertiser and SIP PnP responder) on the interfaces named by
 * `DESKPROV_DISCOVERY`; nothing at all when none are named (the default). One call for
 * `server/main.ts`; each half can also be started on its own.
 */

export interface DiscoveryLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DiscoveryOptions {
  /** `config.discovery`. Empty: discovery is off and `startDiscovery` returns null. */
  interfaces: readonly string[];
  /** Port of the HTTP listener actually bound (advertised in the SRV records). */
  httpPort: number;
  /** `config.publicUrl`, read at each SUBSCRIBE so a late-bound port is seen. */
  publicUrl: () => string;
  /** `config.dataDir`: the mDNS name a conflict forced on us is kept in `mdns-name.json` there. */
  dataDir: string;
  logger: DiscoveryLogger;
  /** A phone asked for its profile (record it as discovered). */
  onDiscovered?: (phone: PnpDiscovered) => void;
  /** SIP PnP port, 5060 unless a test says otherwise. */
  sipPort?: number;
}

export interface Discovery {
  /** Responder counters, or null when SIP PnP could not start. */
  pnpStats(): PnpStats | null;
  /** mDNS announcements, conflicts and goodbyes, for /metrics. */
  mdnsStats(): MdnsStats;
  mdnsName(): string;
  /** Goodbye packets out, sockets closed. */
  close(): Promise<void>;
}

export const MDNS_NAME_FILE = 'mdns-name.json';

export async function startDiscovery(opts: DiscoveryOptions): Promise<Discovery | null> {
  if (opts.interfaces.length === 0) return null;
  const mdns: MdnsAdvertiser = await startMdnsAdvertiser({
    interfaces: opts.interfaces,
    port: opts.httpPort,
    nameFile: path.join(opts.dataDir, MDNS_NAME_FILE),
    logger: opts.logger,
  });
  let pnp: PnpResponder | null = null;
  try {
    pnp = await startPnpResponder({
      interfaces: opts.interfaces,
      publicUrl: opts.publicUrl,
      logger: opts.logger,
      ...(opts.sipPort === undefined ? {} : { port: opts.sipPort }),
      ...(opts.onDiscovered === undefined ? {} : { onDiscovered: opts.onDiscovered }),
    });
  } catch (err) {
    // A PBX on the same host usually owns UDP 5060; mDNS and DHCP still point phones here.
    opts.logger.warn({ err: (err as Error).message }, 'sip pnp responder not started');
  }
  return {
    pnpStats: () => pnp?.stats() ?? null,
    mdnsStats: () => mdns.stats(),
    mdnsName: () => mdns.name(),
    async close() {
      await Promise.all([mdns.close(), pnp?.close()]);
    },
  };
}
