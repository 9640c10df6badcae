import type { Discovery } from '../discovery/start-discovery.ts';
import type { Services } from '../services/index.ts';
import type { TftpStats } from '../tftp/tftp-server-config.ts';
import type { MetricsSources } from './server-metrics.ts';

/** The scrape-time sources of a running server: inventory and alerts from the services. */
export function serviceMetricsSources(deps: {
  services: Services;
  renderCache: { hits: number; misses: number };
  tftpStats: () => TftpStats | null;
  /** The running discovery, null when off (or not started yet). */
  discovery?: () => Discovery | null;
}): MetricsSources {
  const { services, renderCache } = deps;
  return {
    renderCache: () => ({ hits: renderCache.hits, misses: renderCache.misses }),
    tftpStats: deps.tftpStats,
    devicesInState: (state) => services.devices.list({ state }, { limit: 1, offset: 0 }).total,
    discoveryStats: () => {
      const discovery = deps.discovery?.() ?? null;
      return discovery === null ? null : { mdns: discovery.mdnsStats(), pnp: discovery.pnpStats() };
    },
    alertCodes: () => services.e911.alerts().flatMap((entry) => entry.alerts.map((alert) => alert.code)),
  };
}
