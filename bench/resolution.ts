import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as resolution from '../server/domain/e911-resolution.ts';
import { normaliseNetworkMapEntry, type NetworkMapEntry } from '../server/domain/network-map.ts';
import { parseNetworkMapCsv } from '../server/domain/network-map-csv.ts';
import type { Principal } from '../server/domain/roles.ts';
import { createServices } from '../server/services/index.ts';
import { openDatabase } from '../server/store/database.ts';
import { loadCatalog } from './lib/seed.ts';
import { round } from './lib/stats.ts';

/**
 * E911 resolution cost with a large network map (docs/LOCATION.md "Figures"): devices resolved
 * per second against `--subnets` subnets, first the pure function (a plain scan of the entries
 * vs the map compiled once), then through the services: N devices placed by request evidence,
 * timed for `GET /api/v1/alerts` and `GET /api/v1/status` (both resolve every device).
 * `node --import tsx bench/resolution.ts [--subnets 500] [--devices 2000] [--seconds 3]`
 */

const { values } = parseArgs({
  options: {
    subnets: { type: 'string', default: '500' },
    devices: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '3' },
  },
});
const SUBNETS = Number(values.subnets);
const DEVICES = Number(values.devices);
const BUDGET_MS = Number(values.seconds) * 1000;
const LOCATIONS = 10;

/** The i-th /24 under 10.0.0.0/8 (10.a.b.0/24), plus the /8 itself as the campus. */
const subnetCidr = (i: number): string => (i === 0 ? '10.0.0.0/8' : `10.${(i >> 8) & 255}.${i & 255}.0/24`);
/** A device address inside one of the subnets (round-robin). */
const deviceIp = (i: number): string => {
  const n = 1 + (i % (SUBNETS - 1));
  return `10.${(n >> 8) & 255}.${n & 255}.${10 + (i % 200)}`;
};

/** Resolves devices one after another until all are done or the time budget is spent. */
function rate(resolveOne: (i: number) => unknown): { perSec: number; done: number } {
  const start = performance.now();
  let done = 0;
  while (done < DEVICES && performance.now() - start < BUDGET_MS) {
    resolveOne(done);
    done += 1;
  }
  return { perSec: (done / (performance.now() - start)) * 1000, done };
}

function pureFigures(): string[] {
  const entries: NetworkMapEntry[] = Array.from({ length: SUBNETS }, (_, i) => ({
    id: `s${i}`,
    ...normaliseNetworkMapEntry({ locationId: `loc-${i % LOCATIONS}`, kind: 'subnet', cidr: subnetCidr(i) }),
  }));
  const fallbacks = { assignedLocationId: null, siteDefaultLocationId: null };
  const scan = rate((i) => resolution.resolveLocation({ ip: deviceIp(i) }, entries, fallbacks));
  const rows = [`| pure, plain scan (every CIDR parsed per call) | ${scan.done} | ${round(scan.perSec, 0)} | ${round(1000 / scan.perSec, 3)} |`];
  if (typeof resolution.compileNetworkMap === 'function') {
    const t0 = performance.now();
    const compiled = resolution.compileNetworkMap(entries);
    const compileMs = performance.now() - t0;
    const fast = rate((i) => resolution.resolveLocation({ ip: deviceIp(i) }, compiled, fallbacks));
    rows.push(`| pure, compiled map (compiled once in ${round(compileMs, 1)} ms) | ${fast.done} | ${round(fast.perSec, 0)} | ${round(1000 / fast.perSec, 3)} |`);
  }
  return rows;
}

function serviceFigures(): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'deskprov-bench-resolution-'));
  const db = openDatabase(path.join(dir, 'deskprov.db'));
  try {
    const services = createServices({ db, catalog: loadCatalog() });
    services.tokens.ensureBootstrap('bench-resolution-admin-token-0123456789');
    const actor = services.tokens.verify('bench-resolution-admin-token-0123456789') as Principal;
    const site = services.sites.create(actor, {
      name: 'Bench campus',
      timezone: 'Europe/Berlin',
      networks: ['10.0.0.0/8'],
      extensionRange: { first: 100_000, last: 100_000 + DEVICES + 10 },
      registrar: { host: 'pbx.example.com' },
    } as Parameters<typeof services.sites.create>[1]);
    const address = { country: 'DE', A1: 'BE', A3: 'Berlin', RD: 'Unter den Linden', HNO: '1', PC: '10117' };
    const locations = Array.from({ length: LOCATIONS }, (_, i) => {
      const e164 = `+49301234${String(i).padStart(4, '0')}`;
      services.numbers.create(actor, { e164, region: 'DE' });
      return services.e911.createLocation(actor, { siteId: site.id, name: `Floor ${i}`, address, place: { FLR: String(i) }, callbackNumber: e164 });
    });
    const csv = ['locationId,kind,cidr', ...Array.from({ length: SUBNETS }, (_, i) => `${locations[i % LOCATIONS]?.id},subnet,${subnetCidr(i)}`)].join('\n');
    services.e911.importMap(actor, parseNetworkMapCsv(csv));
    const ids: string[] = [];
    const seedStart = performance.now();
    db.transaction(() => {
      for (let i = 0; i < DEVICES; i++) {
        const mac = `0015650${i.toString(16).padStart(5, '0')}`;
        ids.push(services.devices.create(actor, { mac, model: 'yealink/t54w', siteId: site.id, standalone: true, label: `Desk ${i}` }).id);
      }
    })();
    // Each device's request address becomes its evidence and places it (one resolution each).
    for (const [i, id] of ids.entries()) services.switches.recordRequestSource(id, deviceIp(i));
    const seedSec = (performance.now() - seedStart) / 1000;
    const timed = (what: string, run: () => unknown): string => {
      const t0 = performance.now();
      run();
      const sec = (performance.now() - t0) / 1000;
      return `| services, ${what} | ${DEVICES} | ${round(DEVICES / sec, 0)} | ${round((sec * 1000) / DEVICES, 3)} |`;
    };
    return [
      `| services, placing each device by its request address (seed) | ${DEVICES} | ${round(DEVICES / seedSec, 0)} | ${round((seedSec * 1000) / DEVICES, 3)} |`,
      timed('`e911.alerts()` (`GET /api/v1/alerts`)', () => services.e911.alerts()),
      timed('`e911.fleetStatus()` (`GET /api/v1/status`)', () => services.e911.fleetStatus()),
    ];
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.stdout.write(
  [
    `${SUBNETS} subnets in the network map, up to ${DEVICES} devices, ${values.seconds} s budget per pure run`,
    '',
    '| what | devices | devices/s | ms/device |',
    '|---|---|---|---|',
    ...pureFigures(),
    ...serviceFigures(),
    '',
  ].join('\n'),
);
