import type { Services } from '../services/index.ts';
import type { TftpStats } from '../tftp/tftp-server-config.ts';
import type { MetricsSources } from './server-metrics.ts';

/** The scrape-time sources of a running server: inventory and alerts from the services. */
export function serviceMetricsSources(deps: {
  services: Services;
  renderCache: { hits: number; misses: number };
  tftpStats: () => TftpStats | null;
}): MetricsSources {
  const { services, renderCache } = deps;
  return {
    renderCache: () => ({ hits: renderCache.hits, misses: renderCache.misses }),
    tftpStats: deps.tftpStats,
    devicesInState: (state) => services.devices.list({ state }, { limit: 1, offset: 0 }).total,
    alertCodes: () => services.e911.alerts().flatMap((entry) => entry.alerts.map((alert) => alert.code)),
  };
}
