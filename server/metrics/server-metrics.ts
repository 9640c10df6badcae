import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DEVICE_STATES, type DeviceState } from '../domain/device.ts';
import type { CheckSyncResult } from '../discovery/check-sync-sender.ts';
import type { MdnsStats } from '../discovery/mdns-advertiser.ts';
import type { PnpStats } from '../discovery/sip-pnp-responder.ts';
import type { TftpStats } from '../tftp/tftp-server-config.ts';

/**
 * The Prometheus registry of one server process (docs/DEPLOY.md "Metrics"). Totals the server
 * already keeps (TFTP stats, render cache hits) are read at scrape time rather than counted twice
 * (a counter mirroring one is reset and set to it on each scrape); phone and agent requests are
 * observed from finished HTTP responses, so the pipeline itself carries no metrics code.
 */

/** What a phone request ended as, from the HTTP status the phone received. */
export type PhoneResultLabel = 'served' | 'not_modified' | 'not_found' | 'refused' | 'banned' | 'error';

export const PHONE_RESULTS: readonly PhoneResultLabel[] = ['served', 'not_modified', 'not_found', 'refused', 'banned', 'error'];

/** Maps a phone-file HTTP status to its result label (206 and 416 are range answers on a served file). */
export function phoneResultOf(status: number): PhoneResultLabel {
  if (status === 200 || status === 204 || status === 206 || status === 416) return 'served';
  if (status === 304) return 'not_modified';
  if (status === 404) return 'not_found';
  if (status === 429) return 'banned';
  if (status >= 400 && status < 500) return 'refused';
  return 'error';
}

/** Read at scrape time: every source is a cheap read of state the server already holds. */
export interface MetricsSources {
  /** The phone pipeline's render cache counters. */
  renderCache: () => { hits: number; misses: number };
  /** Null when TFTP is off. */
  tftpStats: () => TftpStats | null;
  /** How many devices are in one state. */
  devicesInState: (state: DeviceState) => number;
  /** Current alert and warning codes, one entry per device and alert. */
  alertCodes: () => readonly string[];
  /** Discovery counters; absent or null when discovery is off. `pnp` is null when SIP PnP could not start. */
  discoveryStats?: () => { mdns: MdnsStats; pnp: PnpStats | null } | null;
}

/** The `event` label of deskprov_discovery_events_total for one check-sync outcome. */
export function checkSyncEventOf(result: CheckSyncResult): 'answered' | 'timeout' | 'failed' {
  if (result.outcome === 'answered') return 'answered';
  if (result.outcome === 'timeout') return 'timeout';
  return 'failed';
}

/** Seconds buckets for phone answers: a cached file takes well under a millisecond, a render a few. */
const RESPONSE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export function createServerMetrics(sources: MetricsSources) {
  const registry = new Registry();
  const registers = [registry];

  const phoneRequests = new Counter({
    name: 'deskprov_phone_requests_total',
    help: 'Phone file requests over HTTP(S), by vendor asked for (unknown when no catalogue model matches) and result.',
    labelNames: ['vendor', 'transport', 'result'] as const,
    registers,
  });
  const phoneSeconds = new Histogram({
    name: 'deskprov_phone_response_seconds',
    help: 'Time from request to answer for phone files (identify, resolve, render or cache hit, send); refusals include the timing floor.',
    labelNames: ['result'] as const,
    buckets: RESPONSE_BUCKETS,
    registers,
  });
  const agentReports = new Counter({
    name: 'deskprov_agent_reports_total',
    help: 'Agent status reports received, by HTTP status answered (202 accepted).',
    labelNames: ['status'] as const,
    registers,
  });

  new Counter({
    name: 'deskprov_render_cache_lookups_total',
    help: 'Render cache lookups by the phone pipeline, by outcome.',
    labelNames: ['outcome'] as const,
    registers,
    collect() {
      const { hits, misses } = sources.renderCache();
      this.reset();
      this.inc({ outcome: 'hit' }, hits);
      this.inc({ outcome: 'miss' }, misses);
    },
  });
  new Gauge({
    name: 'deskprov_render_cache_hit_ratio',
    help: 'Render cache hits divided by lookups since start (0 before the first lookup).',
    registers,
    collect() {
      const { hits, misses } = sources.renderCache();
      this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
    },
  });
  new Counter({
    name: 'deskprov_tftp_transfers_total',
    help: 'TFTP requests by outcome: served and failed transfers, refused, banned, rate-limited and busy requests.',
    labelNames: ['result'] as const,
    registers,
    collect() {
      const stats = sources.tftpStats();
      this.reset();
      if (stats === null) return;
      for (const result of ['served', 'failed', 'refused', 'banned', 'busy'] as const) this.inc({ result }, stats[result]);
      this.inc({ result: 'rate_limited' }, stats.rateLimited);
    },
  });
  new Counter({
    name: 'deskprov_tftp_retransmits_total',
    help: 'TFTP DATA blocks sent again after an ACK timed out (RFC 1350).',
    registers,
    collect() {
      const stats = sources.tftpStats();
      this.reset();
      if (stats !== null) this.inc(stats.retransmits);
    },
  });
  new Gauge({
    name: 'deskprov_tftp_active_transfers',
    help: 'TFTP transfers in progress.',
    registers,
    collect() {
      this.set(sources.tftpStats()?.active ?? 0);
    },
  });
  new Gauge({
    name: 'deskprov_devices',
    help: 'Devices in the inventory, by state.',
    labelNames: ['state'] as const,
    registers,
    collect() {
      for (const state of DEVICE_STATES) this.set({ state }, sources.devicesInState(state));
    },
  });
  new Gauge({
    name: 'deskprov_alerts',
    help: 'Current device alerts and warnings, by code.',
    labelNames: ['code'] as const,
    registers,
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const code of sources.alertCodes()) counts.set(code, (counts.get(code) ?? 0) + 1);
      for (const [code, count] of counts) this.set({ code }, count);
    },
  });

  /** Check-sync NOTIFYs are counted here as they end (no component keeps a total of them). */
  const checkSyncCounts = { answered: 0, timeout: 0, failed: 0 };
  new Counter({
    name: 'deskprov_discovery_events_total',
    help:
      'Discovery events by protocol: mdns (announced, conflict, goodbye), sip_pnp (SUBSCRIBE answered, dropped_rate_limited, dropped_malformed, dropped_off_link, ignored; notify_sent, notify_acked), check_sync (NOTIFY answered, timeout, failed).',
    labelNames: ['protocol', 'event'] as const,
    registers,
    collect() {
      this.reset();
      for (const [event, count] of Object.entries(checkSyncCounts)) this.inc({ protocol: 'check_sync', event }, count);
      const discovery = sources.discoveryStats?.() ?? null;
      if (discovery === null) return;
      const { mdns, pnp } = discovery;
      this.inc({ protocol: 'mdns', event: 'announced' }, mdns.announcements);
      this.inc({ protocol: 'mdns', event: 'conflict' }, mdns.conflicts);
      this.inc({ protocol: 'mdns', event: 'goodbye' }, mdns.goodbyes);
      if (pnp === null) return;
      const pnpEvents: Array<[string, number]> = [
        ['answered', pnp.answered],
        ['dropped_rate_limited', pnp.rateLimited],
        ['dropped_malformed', pnp.malformed + pnp.oversized],
        ['dropped_off_link', pnp.offLink],
        ['ignored', pnp.ignored],
        ['notify_sent', pnp.notified],
        ['notify_acked', pnp.notifyAcked],
      ];
      for (const [event, count] of pnpEvents) this.inc({ protocol: 'sip_pnp', event }, count);
    },
  });

  return {
    registry,
    /** One check-sync NOTIFY ended (docs/DISCOVERY.md): answered, timed out, or failed to go out. */
    observeCheckSync(result: CheckSyncResult): void {
      checkSyncCounts[checkSyncEventOf(result)] += 1;
    },
    /** One finished phone-file HTTP request. */
    observePhone(vendor: string, transport: 'http' | 'https', status: number, seconds: number): void {
      const result = phoneResultOf(status);
      phoneRequests.inc({ vendor, transport, result });
      phoneSeconds.observe({ result }, seconds);
    },
    /** One finished agent report request. */
    observeAgentReport(status: number): void {
      agentReports.inc({ status: String(status) });
    },
  };
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;
