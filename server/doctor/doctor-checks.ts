/**
 * `deskprov doctor`'s judgement: pure functions from gathered facts (server/doctor/gather-facts.ts)
 * to findings, each with a status, a plain-words explanation and, when something is off, the fix.
 * No I/O here, so every rule is unit-tested with hand-made facts.
 */

export type FindingStatus = 'ok' | 'warn' | 'fail';

export interface Finding {
  /** Stable id of the check (`listener.http`, `tls.expiry`, `database.integrity`, …). */
  check: string;
  status: FindingStatus;
  /** What was found, in plain words. */
  explanation: string;
  /** What to do about it; null when the finding is ok. */
  fix: string | null;
}

/** A process holding a port, as far as the machine lets doctor see. */
export interface SocketHolder {
  pid: number;
  /** Its command line, spaces between arguments. */
  command: string;
}

export interface ListenerFacts {
  name: 'http' | 'https' | 'tftp';
  protocol: 'tcp' | 'udp';
  host: string;
  port: number;
  /**
   * What a test bind of the configured address said: `free` (nothing listens), `in-use`,
   * `address-not-here` (no interface has that address), `no-permission` (a port below 1024
   * without CAP_NET_BIND_SERVICE: doctor cannot tell), `error` (anything else).
   */
  bind: 'free' | 'in-use' | 'address-not-here' | 'no-permission' | 'error';
  bindError: string | null;
  /** Who holds the port, when it is in use and /proc shows it; null when unknown. */
  holder: SocketHolder | null;
  /** TCP listeners: whether `GET /healthz` there answered deskprov's `{"status":"ok"}`. Null for UDP. */
  answersAsDeskprov: boolean | null;
}

export type ProbeResult = { ok: true; status: number; deskprov: boolean } | { ok: false; error: string };

export interface DoctorFacts {
  now: Date;
  listeners: ListenerFacts[];
  /** `GET <publicUrl>healthz` from this machine. */
  publicUrl: { url: string; result: ProbeResult };
  /** Null when HTTPS is off. */
  tls: null | { file: string; certificate: { notAfter: Date; subject: string } | { error: string } };
  /** `file` is the SQLite file, or the PostgreSQL URL without user and password. */
  database: {
    engine: 'sqlite' | 'postgres';
    file: string;
    integrity: { ok: true } | { ok: false; reason: 'missing' | 'unreadable' | 'damaged' | 'unreachable'; problems: string[] };
  };
  disk: { path: string; freeBytes: number; totalBytes: number } | { path: string; error: string };
  catalogue: { models: number } | { error: string };
  /** `timedatectl show -p NTPSynchronized`: true/false, null when it could not say. */
  clock: { synchronized: boolean | null; detail: string };
  discovery: { configured: string[]; present: string[] };
  /** Null when the database could not be read. */
  inventory: null | {
    sitesWithoutNetworks: Array<{ id: string; name: string }>;
    sitesWithoutRegistrar: Array<{ id: string; name: string }>;
    devicesWithoutLocation: Array<{ mac: string; siteId: string | null }>;
  };
}

/** A certificate expiring within this many days is a warning. */
export const TLS_WARN_DAYS = 30;
/** Below this much free space on the data folder's file system: warning. */
export const DISK_WARN_BYTES = 1024 ** 3;
/** Below this much: failure (SQLite and firmware uploads start failing with SQLITE_FULL). */
export const DISK_FAIL_BYTES = 64 * 1024 ** 2;
/** How many names a finding lists before "and N more". */
const LIST_LIMIT = 10;

const ok = (check: string, explanation: string): Finding => ({ check, status: 'ok', explanation, fix: null });
const warn = (check: string, explanation: string, fix: string): Finding => ({ check, status: 'warn', explanation, fix });
const fail = (check: string, explanation: string, fix: string): Finding => ({ check, status: 'fail', explanation, fix });

const hostPort = (l: { host: string; port: number }): string => (l.host.includes(':') ? `[${l.host}]:${l.port}` : `${l.host}:${l.port}`);
const holderText = (holder: SocketHolder | null): string => (holder === null ? 'a process doctor cannot see' : `pid ${holder.pid} (${holder.command})`);

function listList(items: readonly string[]): string {
  const shown = items.slice(0, LIST_LIMIT).join(', ');
  return items.length > LIST_LIMIT ? `${shown} and ${items.length - LIST_LIMIT} more` : shown;
}

/** Every finding, in a fixed order. */
export function diagnose(facts: DoctorFacts): Finding[] {
  return [
    ...checkListeners(facts.listeners),
    checkPublicUrl(facts.publicUrl),
    ...(facts.tls === null ? [] : [checkTls(facts.tls, facts.now)]),
    checkDatabase(facts.database),
    checkDisk(facts.disk),
    checkCatalogue(facts.catalogue),
    checkClock(facts.clock),
    checkDiscovery(facts.discovery),
    ...checkInventory(facts.inventory),
  ];
}

/** 1 when anything failed, else 0: warnings are worth reading but do not stop a deployment. */
export function exitCodeOf(findings: readonly Finding[]): number {
  return findings.some((finding) => finding.status === 'fail') ? 1 : 0;
}

/**
 * Each listener is deskprov's when its TCP port answers `/healthz` as deskprov, or (TFTP over UDP,
 * which has no such question) when the process holding it is the one answering HTTP.
 */
export function checkListeners(listeners: readonly ListenerFacts[]): Finding[] {
  const deskprovPids = new Set(
    listeners.filter((l) => l.answersAsDeskprov === true && l.holder !== null).map((l) => l.holder!.pid),
  );
  return listeners.map((l) => {
    const check = `listener.${l.name}`;
    const where = `${l.name.toUpperCase()} ${l.protocol.toUpperCase()} ${hostPort(l)}`;
    switch (l.bind) {
      case 'free':
        return fail(
          check,
          `nothing listens on ${where}: deskprov is not running, or runs with other settings than the ones doctor was given`,
          'start it (systemctl start deskprov; journalctl -u deskprov says why it stopped) and give doctor the same --config/flags as serve',
        );
      case 'address-not-here':
        return fail(
          check,
          `${where}: no network interface of this machine has the address ${l.host}, so deskprov cannot listen there`,
          `set the listener to an address this machine has (ip -brief address), or 0.0.0.0 for every interface`,
        );
      case 'no-permission':
        if (l.answersAsDeskprov === true) return ok(check, `deskprov answers on ${where}`);
        return warn(
          check,
          `${where}: doctor may not bind port ${l.port} to test it (ports below 1024 need CAP_NET_BIND_SERVICE), so it cannot tell who listens there`,
          'run doctor as root to check this listener',
        );
      case 'error':
        return warn(check, `${where}: the test bind failed (${l.bindError ?? 'unknown error'})`, 'check the address and port in the config');
      case 'in-use':
        break;
    }
    if (l.answersAsDeskprov === true) return ok(check, `deskprov answers on ${where}`);
    if (l.answersAsDeskprov === false) {
      return fail(
        check,
        `${where} is held by ${holderText(l.holder)}, which does not answer as deskprov: phones reaching this port do not get deskprov`,
        `stop that program or move deskprov to another port, then restart deskprov`,
      );
    }
    if (l.holder !== null && deskprovPids.has(l.holder.pid)) return ok(check, `deskprov holds ${where}`);
    if (l.holder === null) {
      return warn(check, `${where} is in use, but doctor cannot see by which process`, 'run doctor as root to see who holds the port');
    }
    return fail(
      check,
      `${where} is held by ${holderText(l.holder)}, not by the deskprov process answering HTTP${deskprovPids.size === 0 ? ' (none answers)' : ''}`,
      l.name === 'tftp'
        ? 'stop the other TFTP server (systemctl disable --now tftpd-hpa) and restart deskprov'
        : 'stop that program or move deskprov to another port, then restart deskprov',
    );
  });
}

export function checkPublicUrl(probe: DoctorFacts['publicUrl']): Finding {
  const check = 'public-url';
  const target = `${probe.url}healthz`;
  if (!probe.result.ok) {
    return fail(
      check,
      `the public URL phones are given does not answer from this machine: GET ${target} failed (${probe.result.error})`,
      'set publicUrl (DESKPROV_PUBLIC_URL) to an address of this box that phones can reach, and check the firewall lets TCP to it through',
    );
  }
  if (!probe.result.deskprov) {
    return fail(
      check,
      `GET ${target} answered HTTP ${probe.result.status}, but not as deskprov: phones given this URL reach something else`,
      'point publicUrl (DESKPROV_PUBLIC_URL) at this deskprov (its host and HTTP or HTTPS port)',
    );
  }
  return ok(check, `deskprov answers at its public URL ${probe.url}`);
}

export function checkTls(tls: NonNullable<DoctorFacts['tls']>, now: Date): Finding {
  const check = 'tls.certificate';
  if ('error' in tls.certificate) {
    return fail(
      check,
      `the HTTPS certificate ${tls.file} cannot be read (${tls.certificate.error})`,
      'put a PEM certificate in tls/cert.pem and its key in tls/key.pem, or delete both to have a self-signed pair made at the next start',
    );
  }
  const { notAfter, subject } = tls.certificate;
  const days = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
  const renew = `renew it: replace ${tls.file} and key.pem (or delete both for a new self-signed pair) and restart deskprov`;
  if (notAfter.getTime() <= now.getTime()) {
    return fail(check, `the HTTPS certificate (${subject}) expired on ${notAfter.toISOString()}: phones checking it refuse to fetch`, renew);
  }
  if (days < TLS_WARN_DAYS) {
    return warn(check, `the HTTPS certificate (${subject}) expires in ${days} days, on ${notAfter.toISOString()}`, renew);
  }
  return ok(check, `the HTTPS certificate (${subject}) is valid until ${notAfter.toISOString()} (${days} days)`);
}

export function checkDatabase(db: DoctorFacts['database']): Finding {
  const check = 'database.integrity';
  if (db.engine === 'postgres') return checkPostgres(db);
  if (db.integrity.ok) return ok(check, `PRAGMA integrity_check on ${db.file} says ok`);
  if (db.integrity.reason === 'unreadable') {
    return fail(
      check,
      `the database ${db.file} exists but doctor may not open it (${listList(db.integrity.problems)})`,
      'run doctor as root, or as the user deskprov runs as (the data folder is 0700)',
    );
  }
  if (db.integrity.reason === 'missing') {
    return fail(
      check,
      `there is no database at ${db.file}: deskprov has never run with this data folder, or doctor was given another one`,
      'give doctor the data folder serve uses (--data, DESKPROV_DATA or the config file), or start deskprov once to create it',
    );
  }
  return fail(
    check,
    `the database ${db.file} is damaged or unreadable: ${listList(db.integrity.problems)}`,
    'stop deskprov and restore the newest backup (deskprov restore <file>); keep the damaged file for inspection',
  );
}

function checkPostgres(db: DoctorFacts['database']): Finding {
  const check = 'database.integrity';
  if (db.integrity.ok) return ok(check, `PostgreSQL at ${db.file} answers and holds deskprov's tables`);
  if (db.integrity.reason === 'missing') {
    return fail(
      check,
      `PostgreSQL at ${db.file} answers but holds no deskprov tables: no instance has started with it yet, or DESKPROV_DB names another database`,
      'start one instance with this DESKPROV_DB (it creates the tables), or move an installation in with deskprov migrate',
    );
  }
  return fail(
    check,
    `PostgreSQL at ${db.file} cannot be used: ${listList(db.integrity.problems)}`,
    'start PostgreSQL, or fix DESKPROV_DB (host, port, database, user and password) and the server\'s pg_hba.conf',
  );
}

const mib = (bytes: number): string => `${Math.round(bytes / 1024 ** 2)} MiB`;

export function checkDisk(disk: DoctorFacts['disk']): Finding {
  const check = 'disk.free';
  if ('error' in disk) return warn(check, `cannot read the free space of ${disk.path} (${disk.error})`, 'check that the data folder exists and is readable');
  const text = `${mib(disk.freeBytes)} free of ${mib(disk.totalBytes)} on the file system of ${disk.path}`;
  const fix = 'free space there (old backups, logs) or move the data folder to a larger disk';
  if (disk.freeBytes < DISK_FAIL_BYTES) return fail(check, `${text}: the database and firmware uploads are about to fail`, fix);
  if (disk.freeBytes < DISK_WARN_BYTES) return warn(check, `${text}: less than ${mib(DISK_WARN_BYTES)}`, fix);
  return ok(check, text);
}

export function checkCatalogue(catalogue: DoctorFacts['catalogue']): Finding {
  const check = 'catalogue';
  if ('error' in catalogue) {
    return fail(check, `the model catalogue does not load: ${catalogue.error}`, 'reinstall deskprov (firmware-profiles/ is part of the package) or fix the model file named');
  }
  if (catalogue.models === 0) return fail(check, 'the model catalogue is empty: no phone can be recognised', 'reinstall deskprov: firmware-profiles/ ships with it');
  return ok(check, `the model catalogue loaded with ${catalogue.models} models`);
}

export function checkClock(clock: DoctorFacts['clock']): Finding {
  const check = 'clock';
  if (clock.synchronized === true) return ok(check, 'the system clock is synchronised (NTP)');
  if (clock.synchronized === false) {
    return warn(
      check,
      'the system clock is not synchronised: certificate checks, backups and rollout windows depend on the time',
      'enable time sync (timedatectl set-ntp true, or chrony/systemd-timesyncd)',
    );
  }
  return warn(check, `clock sync unknown (${clock.detail}); not a failure`, 'check the time source by hand (chronyc tracking or timedatectl)');
}

export function checkDiscovery(discovery: DoctorFacts['discovery']): Finding {
  const check = 'discovery.interfaces';
  if (discovery.configured.length === 0) return ok(check, 'discovery (mDNS, SIP PnP) is off: no interface configured');
  const missing = discovery.configured.filter((name) => !discovery.present.includes(name));
  if (missing.length > 0) {
    return fail(
      check,
      `discovery is configured on ${listList(missing)}, which this machine does not have (it has ${listList(discovery.present)}); deskprov will not start so`,
      'name existing interfaces in discovery (DESKPROV_DISCOVERY), or "off"',
    );
  }
  return ok(check, `discovery interfaces present: ${discovery.configured.join(', ')}`);
}

export function checkInventory(inventory: DoctorFacts['inventory']): Finding[] {
  if (inventory === null) {
    return [warn('inventory', 'sites and devices were not checked: the database could not be read', 'fix the database first')];
  }
  const site = (s: { id: string; name: string }): string => `${s.name} (${s.id})`;
  const findings: Finding[] = [];
  const noNetworks = inventory.sitesWithoutNetworks;
  findings.push(
    noNetworks.length === 0
      ? ok('sites.networks', 'every site has at least one network')
      : warn(
          'sites.networks',
          `${noNetworks.length} site(s) have no networks, so every phone there is refused its files: ${listList(noNetworks.map(site))}`,
          'add the phones\' subnets to each site: web console, or PATCH /api/v1/sites/<id> with {"networks": ["10.1.0.0/24"]}',
        ),
  );
  const noRegistrar = inventory.sitesWithoutRegistrar;
  findings.push(
    noRegistrar.length === 0
      ? ok('sites.registrar', 'every site names its SIP registrar')
      : warn(
          'sites.registrar',
          `${noRegistrar.length} site(s) have no SIP registrar, so their phones get no server to register with: ${listList(noRegistrar.map(site))}`,
          'set the registrar: web console, or PATCH /api/v1/sites/<id> with {"registrar": {"host": "pbx.example.net"}}',
        ),
  );
  const unlocated = inventory.devicesWithoutLocation;
  findings.push(
    unlocated.length === 0
      ? ok('devices.location', 'every device in service has an emergency location (assigned, reported or the site default)')
      : warn(
          'devices.location',
          `${unlocated.length} device(s) have no emergency location, so a 911 call from them carries none: ${listList(unlocated.map((d) => d.mac))}`,
          'give their sites a default location, map their networks, or assign one (docs/E911.md)',
        ),
  );
  return findings;
}
