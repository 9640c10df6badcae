import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RawTftpClient } from './helpers/tftp-raw-client.ts';
import { loopbackSite, startServedServer, type ServedServer } from './helpers/served-server.ts';

/**
 * GET /metrics on the server as `serve()` wires it: real HTTP and TFTP phone fetches first, then a
 * scrape checked against the Prometheus text exposition format (0.0.4) line by line, and by
 * Prometheus's own `promtool check metrics`.
 */
const ADMIN_TOKEN = 'metrics-test-admin-token-0123456';
const UA = 'Yealink SIP-T54W 96.86.0.70 44:db:d2:01:02:03';
let served: ServedServer;
let siteId: string;

beforeAll(async () => {
  served = await startServedServer(ADMIN_TOKEN);
  siteId = await loopbackSite(served);
});
afterAll(async () => served.close());

const phone = (name: string, headers: Record<string, string> = {}) =>
  fetch(`${served.server.httpUrl}${name}`, { headers: { 'user-agent': UA, ...headers } });

async function scrape(token = ADMIN_TOKEN): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${served.server.httpUrl}metrics`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE = new RegExp(`^(${NAME})(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE},?)*\\})? (-?[0-9.e+-]+|NaN|\\+Inf|-Inf)$`);

/** Every line is HELP, TYPE or a sample of a declared family; histograms are cumulative; returns samples. */
function parseExposition(text: string): Map<string, number> {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const help = new RegExp(`^# HELP (${NAME}) .+$`).exec(line);
    if (help) continue;
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      expect(types.has(type[1]!), `TYPE given twice for ${type[1]}`).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = SAMPLE.exec(line);
    expect(sample, `not a valid exposition line: ${line}`).not.toBeNull();
    const name = sample![1]!;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    expect(types.has(family), `sample before its TYPE: ${line}`).toBe(true);
    if (types.get(family) === 'counter') expect(family.endsWith('_total')).toBe(true);
    expect(samples.has(`${name}${sample![2] ?? ''}`), `duplicate sample ${line}`).toBe(false);
    samples.set(`${name}${sample![2] ?? ''}`, Number(sample![3]));
  }
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const buckets = [...samples].filter(([key]) => key.startsWith(`${family}_bucket{`));
    const series = new Map<string, Array<[number, number]>>();
    for (const [key, value] of buckets) {
      const le = /le="([^"]+)"/.exec(key)![1]!;
      const rest = key.replace(/le="[^"]+",?/, '').replace(',}', '}');
      series.set(rest, [...(series.get(rest) ?? []), [le === '+Inf' ? Infinity : Number(le), value]]);
    }
    for (const [rest, points] of series) {
      const sorted = [...points].sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]![1]).toBeGreaterThanOrEqual(sorted[i - 1]![1]);
      const countKey = rest.replace(`${family}_bucket`, `${family}_count`).replace('{}', '');
      expect(sorted.at(-1)![0]).toBe(Infinity);
      expect(samples.get(countKey)).toBe(sorted.at(-1)![1]);
    }
  }
  return samples;
}

describe('GET /metrics', () => {
  it('is refused without a valid token and answered for an installer token', async () => {
    expect((await fetch(`${served.server.httpUrl}metrics`)).status).toBe(401);
    expect((await scrape('not-a-token-of-this-server-000000')).status).toBe(401);
    const token = await served.api('POST', '/tokens', { name: 'prometheus', role: 'installer', siteId });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    expect((await scrape(token.body.token)).status).toBe(200);
  });

  it('counts phone requests by vendor and result, TFTP transfers, the render cache, devices and alerts', async () => {
    const first = await phone('y000000000000.boot');
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect((await phone('y000000000000.boot', { 'if-none-match': etag })).status).toBe(304);
    expect((await phone('y000000000000.boot')).status).toBe(200);
    expect((await phone('44dbd2aabbcc.cfg')).status).toBe(401);
    expect((await phone('no-such-file.txt', { 'user-agent': 'curl/8' })).status).toBe(404);
    const device = await served.api('POST', '/devices', { mac: '44:db:d2:01:02:03', model: 'yealink/t54w', siteId, standalone: true });
    expect(device.status, JSON.stringify(device.body)).toBe(201);
    const agentToken = await served.api('POST', '/devices/44:db:d2:01:02:03/agent-token');
    expect(agentToken.status).toBe(200);
    const report = (token: string) =>
      fetch(`${served.server.httpUrl}api/v1/agent/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          id: 'r1',
          at: new Date().toISOString(),
          sip: { registered: true },
          network: { ip: '10.1.2.3/24', lldp: { chassisId: { type: 'mac', value: '00:00:5e:00:53:01' }, portId: { type: 'ifname', value: 'Gi1/0/9' } } },
        }),
      });
    expect((await report('not-a-device-token-000000000000')).status).toBe(401);
    expect((await report(agentToken.body.token)).status).toBe(202);

    const tftp = await RawTftpClient.open('127.0.0.1');
    try {
      const got = await tftp.fetch(served.server.tftp!.address().port, 'y000000000000.boot');
      expect(got.data.length).toBeGreaterThan(0);
      // The server counts a transfer once it has read the client's last ACK, just after the client is done.
      await vi.waitFor(() => expect(served.server.tftp!.stats().served).toBe(1), { timeout: 5_000, interval: 10 });
    } finally {
      await tftp.close();
    }

    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(text);
    const get = (key: string) => samples.get(key);
    expect(get('deskprov_phone_requests_total{vendor="yealink",transport="http",result="served"}')).toBe(2);
    expect(get('deskprov_phone_requests_total{vendor="yealink",transport="http",result="not_modified"}')).toBe(1);
    expect(get('deskprov_phone_requests_total{vendor="yealink",transport="http",result="refused"}')).toBe(1);
    expect(get('deskprov_phone_requests_total{vendor="unknown",transport="http",result="not_found"}')).toBe(1);
    expect(get('deskprov_phone_response_seconds_count{result="served"}')).toBe(2);
    expect(get('deskprov_agent_reports_total{status="401"}')).toBe(1);
    expect(get('deskprov_agent_reports_total{status="202"}')).toBe(1);
    expect(get('deskprov_tftp_transfers_total{result="served"}')).toBe(1);
    expect(get('deskprov_tftp_retransmits_total')).toBe(served.server.tftp!.stats().retransmits);
    const cache = served.server.phoneFrontEnd.phone.cache;
    expect(cache.hits, "cache hits").toBeGreaterThan(0);
    expect(get('deskprov_render_cache_lookups_total{outcome="hit"}')).toBe(cache.hits);
    expect(get('deskprov_render_cache_lookups_total{outcome="miss"}')).toBe(cache.misses);
    expect(get('deskprov_render_cache_hit_ratio')).toBeCloseTo(cache.hits / (cache.hits + cache.misses), 10);
    expect(get('deskprov_devices{state="provisioned"}')).toBe(1);
    expect(get('deskprov_devices{state="discovered"}')).toBe(0);
    const codes = served.server.services.e911.alerts().flatMap((entry) => entry.alerts.map((alert) => alert.code));
    expect(codes.length, "alert codes").toBeGreaterThan(0);
    for (const code of new Set(codes)) {
      expect(get(`deskprov_alerts{code="${code}"}`)).toBe(codes.filter((c) => c === code).length);
    }
  });

  it('passes promtool check metrics (Prometheus itself, Debian prometheus package)', async () => {
    const { status, text } = await scrape();
    expect(status).toBe(200);
    // promtool reads the exposition on stdin; lint problems (names, units, help) make it exit 1.
    const child = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    expect(child.error).toBeUndefined();
    expect(`${child.stdout}${child.stderr}`.trim()).toBe('');
    expect(child.status).toBe(0);
  });

  it('counts a banned source as banned', async () => {
    let status = 0;
    for (let i = 0; i < 40 && status !== 429; i++) status = (await phone(`44dbd2ffff${String(i).padStart(2, '0')}.cfg`)).status;
    expect(status).toBe(429);
    const samples = parseExposition((await scrape()).text);
    expect(samples.get('deskprov_phone_requests_total{vendor="yealink",transport="http",result="banned"}')).toBe(1);
  });
});
