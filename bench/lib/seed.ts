import { randomBytes, createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSecret } from '../../server/domain/extension.ts';
import type { Principal } from '../../server/domain/roles.ts';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { PACKAGE_ROOT } from '../../server/main.ts';
import type { Catalog, ModelProfile } from '../../server/provisioning/types.ts';
import { createServices } from '../../server/services/index.ts';
import { openDatabase } from '../../server/store/database.ts';
import { sqlitePhoneRepo } from '../../server/store/phone-read-repo.ts';

/**
 * Fills a fresh data folder with provisioned devices through the services layer, exactly as the
 * admin API would: one site on the loopback network, one root profile every device uses (so one
 * profile edit touches every device), a few users (the company directory) and N devices spread
 * round-robin over every catalogue model, hence every vendor family and dialect.
 */

export interface SeededDevice {
  mac: string;
  model: ModelProfile;
  /** The per-device HTTP secret, for devices that booted before (credentials already handed out). */
  secret?: string;
  /** The device's agent token, when the seed issued them. */
  agentToken?: string;
}

export interface Seeded {
  dataDir: string;
  adminToken: string;
  profileId: string;
  siteId: string;
  devices: SeededDevice[];
  catalog: Catalog;
}

/** Users with an extension; the directory files list them. The rest of the devices are standalone. */
const USERS = 40;

export function loadCatalog(): Catalog {
  return readCatalog(path.join(PACKAGE_ROOT, 'firmware-profiles'));
}

/** A MAC with the model's own OUI, unique per index below 2^24. */
export function benchMac(model: ModelProfile, index: number): string {
  const oui = model.oui[0] ?? '0c1105';
  return `${oui}${index.toString(16).padStart(6, '0')}`;
}

/**
 * `count` devices; the first `booted` of them have booted before: their per-device credentials
 * were handed out an hour ago, so from now on they must answer Digest challenges (docs/SECURITY.md).
 * The others are still inside their claim window.
 */
export function seedDataDir(dataDir: string, count: number, booted = 0, options: { agentTokens?: boolean } = {}): Seeded {
  const catalog = loadCatalog();
  const db = openDatabase(path.join(dataDir, 'deskprov.db'));
  try {
    const services = createServices({ db, catalog });
    const phoneRepo = sqlitePhoneRepo(db);
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const adminToken = randomBytes(24).toString('base64url');
    services.tokens.ensureBootstrap(adminToken);
    const actor = services.tokens.verify(adminToken) as Principal;
    const site = services.sites.create(actor, {
      name: 'Bench building',
      timezone: 'Europe/Berlin',
      networks: ['127.0.0.0/8'],
      extensionRange: { first: 100_000, last: 100_000 + count + USERS + 10 },
      registrar: { host: 'pbx.example.com' },
    });
    const profile = services.profiles.create(actor, {
      name: 'Bench building phones',
      settings: { time: { ntp: 'pool.ntp.org' }, language: 'en', network: { lldp: true } },
    });
    const models = catalog.all();
    const users = Array.from({ length: Math.min(USERS, count) }, (_, i) =>
      services.users.create(actor, { name: `Bench User ${String(i).padStart(3, '0')}`, email: `user${i}@example.com`, siteId: site.id }),
    );
    const devices: SeededDevice[] = [];
    const insert = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const model = models[i % models.length] as ModelProfile;
        const mac = benchMac(model, i);
        const user = users[i];
        const device = services.devices.create(actor, {
          mac,
          model: model.id,
          siteId: site.id,
          profileId: profile.id,
          ...(user === undefined ? { standalone: true, label: `Desk ${i}` } : { userId: user.id }),
        });
        const agentToken = options.agentTokens === true ? services.devices.issueAgentToken(actor, mac).token : undefined;
        if (i < booted) {
          const secret = generateSecret(randomBytes);
          phoneRepo.ensureCredentials({
            deviceId: device.id,
            username: mac,
            secret,
            claimOpenUntil: null,
            handedOutAt: anHourAgo,
            handedOutIp: '127.0.0.1',
            createdAt: anHourAgo,
            updatedAt: anHourAgo,
          });
          devices.push({ mac, model, secret, ...(agentToken === undefined ? {} : { agentToken }) });
        } else {
          devices.push({ mac, model, ...(agentToken === undefined ? {} : { agentToken }) });
        }
      }
    });
    // Batches keep the WAL small; each create is still its own (nested) transaction with its audit.
    for (let from = 0; from < count; from += 2_000) insert(from, Math.min(count, from + 2_000));
    return { dataDir, adminToken, profileId: profile.id, siteId: site.id, devices, catalog };
  } finally {
    db.close();
  }
}

/**
 * `seedDataDir`, kept between runs: seeding 50,000 devices through the services takes minutes on a
 * busy 2-core machine, so the seeded database (and the bench's own record of secrets, which the
 * database holds only as the server keeps them) is copied from a folder under the OS temp dir when
 * one with the same shape and catalogue revision exists. `BENCH_FRESH_SEED=1` always seeds anew.
 */
export function seedDataDirCached(dataDir: string, count: number, booted = 0): Seeded {
  const catalog = loadCatalog();
  // Keyed by what the seeded rows depend on (model ids and their OUIs), not the whole catalogue
  // revision: a template or key change renders differently but seeds the very same database.
  const shape = createHash('sha256')
    .update(JSON.stringify(catalog.all().map((m) => [m.id, m.oui[0] ?? null])))
    .digest('hex')
    .slice(0, 12);
  const cache = path.join(tmpdir(), `deskprov-bench-seed-${count}-${booted}-${shape}`);
  const record = path.join(cache, 'seeded.json');
  if (process.env.BENCH_FRESH_SEED !== '1' && existsSync(record)) {
    for (const name of readdirSync(cache)) if (name !== 'seeded.json') copyFileSync(path.join(cache, name), path.join(dataDir, name));
    const saved = JSON.parse(readFileSync(record, 'utf8')) as Omit<Seeded, 'catalog' | 'devices' | 'dataDir'> & {
      devices: Array<{ mac: string; model: string; secret?: string }>;
    };
    const devices = saved.devices.map((d) => ({ mac: d.mac, model: catalog.get(d.model) as ModelProfile, ...(d.secret === undefined ? {} : { secret: d.secret }) }));
    return { ...saved, dataDir, devices, catalog };
  }
  const seeded = seedDataDir(dataDir, count, booted);
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  // The database and the key its secrets are sealed with (and anything else the store keeps there).
  for (const name of readdirSync(dataDir)) copyFileSync(path.join(dataDir, name), path.join(cache, name));
  const { catalog: _catalog, dataDir: _dir, ...rest } = seeded;
  writeFileSync(record, JSON.stringify({ ...rest, devices: seeded.devices.map((d) => ({ mac: d.mac, model: d.model.id, ...(d.secret === undefined ? {} : { secret: d.secret }) })) }));
  return seeded;
}
