import { describe, expect, it } from 'vitest';
import { createServerMetrics, phoneResultOf } from '../../../server/metrics/server-metrics.ts';
import type { TftpStats } from '../../../server/tftp/tftp-server-config.ts';

const TFTP: TftpStats = {
  requests: 9, served: 5, failed: 1, active: 2, refused: 3, malformed: 0, rateLimited: 4, banned: 6, busy: 7, duplicates: 0,
  retransmits: 11, datagramsSent: 40, errorsSent: 3, foreignTid: 0,
};

describe('phoneResultOf', () => {
  it('maps each phone-file status to its result label', () => {
    expect([200, 206, 416, 304, 404, 401, 403, 413, 429, 500].map(phoneResultOf)).toEqual([
      'served', 'served', 'served', 'not_modified', 'not_found', 'refused', 'refused', 'refused', 'banned', 'error',
    ]);
  });
});

describe('createServerMetrics', () => {
  it('reads TFTP, cache, inventory and alert totals at scrape time and mirrors them, not adds them up', async () => {
    let hits = 3;
    const metrics = createServerMetrics({
      renderCache: () => ({ hits, misses: 1 }),
      tftpStats: () => TFTP,
      devicesInState: (state) => (state === 'provisioned' ? 4 : 0),
      alertCodes: () => ['NO_REGISTERED_LOCATION', 'NO_REGISTERED_LOCATION', 'STALE_EVIDENCE'],
    });
    await metrics.registry.metrics();
    hits = 7;
    const text = await metrics.registry.metrics();
    expect(text).toContain('deskprov_render_cache_lookups_total{outcome="hit"} 7\n');
    expect(text).toContain('deskprov_render_cache_hit_ratio 0.875\n');
    expect(text).toContain('deskprov_tftp_transfers_total{result="served"} 5\n');
    expect(text).toContain('deskprov_tftp_transfers_total{result="rate_limited"} 4\n');
    expect(text).toContain('deskprov_tftp_retransmits_total 11\n');
    expect(text).toContain('deskprov_tftp_active_transfers 2\n');
    expect(text).toContain('deskprov_devices{state="provisioned"} 4\n');
    expect(text).toContain('deskprov_alerts{code="NO_REGISTERED_LOCATION"} 2\n');
    expect(text).toContain('deskprov_alerts{code="STALE_EVIDENCE"} 1\n');
  });

  it('leaves TFTP counters empty when TFTP is off and reports a zero hit ratio before any lookup', async () => {
    const metrics = createServerMetrics({ renderCache: () => ({ hits: 0, misses: 0 }), tftpStats: () => null, devicesInState: () => 0, alertCodes: () => [] });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/deskprov_tftp_transfers_total\{/);
    expect(text).toContain('deskprov_render_cache_hit_ratio 0\n');
  });

  it('counts phone requests by vendor, transport and result', async () => {
    const metrics = createServerMetrics({ renderCache: () => ({ hits: 0, misses: 0 }), tftpStats: () => null, devicesInState: () => 0, alertCodes: () => [] });
    metrics.observePhone('poly', 'https', 304, 0.0004);
    metrics.observePhone('poly', 'https', 304, 0.002);
    const text = await metrics.registry.metrics();
    expect(text).toContain('deskprov_phone_requests_total{vendor="poly",transport="https",result="not_modified"} 2\n');
    expect(text).toContain('deskprov_phone_response_seconds_bucket{le="0.0005",result="not_modified"} 1\n');
    expect(text).toContain('deskprov_phone_response_seconds_count{result="not_modified"} 2\n');
  });

  it('counts discovery events by protocol: mDNS and SIP PnP read at scrape time, check-sync NOTIFYs as they end', async () => {
    let announcements = 2;
    const metrics = createServerMetrics({
      renderCache: () => ({ hits: 0, misses: 0 }),
      tftpStats: () => null,
      devicesInState: () => 0,
      alertCodes: () => [],
      discoveryStats: () => ({
        mdns: { announcements, conflicts: 1, goodbyes: 0 },
        pnp: {
          received: 12, answered: 5, notified: 5, notifyAcked: 4, retransmissions: 1,
          malformed: 1, oversized: 2, ignored: 1, rateLimited: 3, offLink: 0,
        },
      }),
    });
    metrics.observeCheckSync({ outcome: 'answered', status: 200, reason: 'OK' });
    metrics.observeCheckSync({ outcome: 'timeout' });
    metrics.observeCheckSync({ outcome: 'send-failed', reason: 'ECONNREFUSED' });
    metrics.observeCheckSync({ outcome: 'invalid-contact', reason: 'host name' });
    await metrics.registry.metrics();
    announcements = 3;
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE deskprov_discovery_events_total counter\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="mdns",event="announced"} 3\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="mdns",event="conflict"} 1\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="mdns",event="goodbye"} 0\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="sip_pnp",event="answered"} 5\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="sip_pnp",event="dropped_rate_limited"} 3\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="sip_pnp",event="dropped_malformed"} 3\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="sip_pnp",event="notify_acked"} 4\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="check_sync",event="answered"} 1\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="check_sync",event="timeout"} 1\n');
    expect(text).toContain('deskprov_discovery_events_total{protocol="check_sync",event="failed"} 2\n');
  });

  it('shows only check-sync discovery events when discovery is off', async () => {
    const metrics = createServerMetrics({ renderCache: () => ({ hits: 0, misses: 0 }), tftpStats: () => null, devicesInState: () => 0, alertCodes: () => [], discoveryStats: () => null });
    const text = await metrics.registry.metrics();
    expect(text).toContain('deskprov_discovery_events_total{protocol="check_sync",event="answered"} 0\n');
    expect(text).not.toContain('protocol="mdns"');
    expect(text).not.toContain('protocol="sip_pnp"');
  });
});
