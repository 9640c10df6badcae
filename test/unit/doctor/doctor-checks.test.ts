import { describe, expect, it } from 'vitest';
import {
  checkClock,
  checkDatabase,
  checkDisk,
  checkInventory,
  checkListeners,
  checkTls,
  diagnose,
  DISK_FAIL_BYTES,
  DISK_WARN_BYTES,
  exitCodeOf,
  type DoctorFacts,
  type ListenerFacts,
} from '../../../server/doctor/doctor-checks.ts';

const NOW = new Date('2026-03-01T00:00:00Z');
const DAY = 86_400_000;

const listener = (over: Partial<ListenerFacts>): ListenerFacts => ({
  name: 'http',
  protocol: 'tcp',
  host: '0.0.0.0',
  port: 80,
  bind: 'in-use',
  bindError: null,
  holder: { pid: 10, command: 'node deskprov serve' },
  answersAsDeskprov: true,
  ...over,
});

function healthyFacts(): DoctorFacts {
  return {
    now: NOW,
    listeners: [listener({}), listener({ name: 'tftp', protocol: 'udp', port: 69, answersAsDeskprov: null })],
    publicUrl: { url: 'http://192.0.2.10/', result: { ok: true, status: 200, deskprov: true } },
    tls: null,
    database: { engine: 'sqlite', file: 'data/deskprov.db', integrity: { ok: true } },
    disk: { path: 'data', freeBytes: 10 * DISK_WARN_BYTES, totalBytes: 20 * DISK_WARN_BYTES },
    catalogue: { models: 70 },
    clock: { synchronized: true, detail: 'timedatectl: NTPSynchronized=yes' },
    discovery: { configured: ['eth0'], present: ['lo', 'eth0'] },
    inventory: { sitesWithoutNetworks: [], sitesWithoutRegistrar: [], devicesWithoutLocation: [] },
  };
}

describe('doctor checks', () => {
  it('finds a healthy installation all ok, with no fix offered, and exit code 0', () => {
    const findings = diagnose(healthyFacts());
    expect(findings.map((f) => f.status)).toEqual(findings.map(() => 'ok'));
    expect(findings.every((f) => f.fix === null)).toBe(true);
    expect(exitCodeOf(findings)).toBe(0);
  });

  it('counts the TFTP port as deskprov\'s only when the process answering HTTP holds it', () => {
    const tftp = listener({ name: 'tftp', protocol: 'udp', port: 69, answersAsDeskprov: null, holder: { pid: 11, command: 'in.tftpd' } });
    const [, other] = checkListeners([listener({}), tftp]);
    expect(other?.status).toBe('fail');
    expect(other?.explanation).toContain('pid 11 (in.tftpd)');
    const [, unseen] = checkListeners([listener({}), { ...tftp, holder: null }]);
    expect(unseen?.status).toBe('warn');
  });

  it('tells a free port, a foreign address and a privileged port apart', () => {
    const [free, notHere, privileged] = checkListeners([
      listener({ bind: 'free', holder: null, answersAsDeskprov: null }),
      listener({ bind: 'address-not-here', host: '192.0.2.99', holder: null, answersAsDeskprov: null }),
      listener({ bind: 'no-permission', holder: null, answersAsDeskprov: false }),
    ]);
    expect(free?.status).toBe('fail');
    expect(notHere?.explanation).toContain('no network interface of this machine has the address 192.0.2.99');
    expect(privileged?.status).toBe('warn');
  });

  it('warns about a certificate expiring within 30 days and fails on an expired one', () => {
    const tls = (days: number) =>
      checkTls({ file: 'tls/cert.pem', certificate: { notAfter: new Date(NOW.getTime() + days * DAY), subject: 'CN=x' } }, NOW);
    expect(tls(31).status).toBe('ok');
    expect(tls(29).status).toBe('warn');
    expect(tls(29).explanation).toContain('expires in 29 days');
    expect(tls(-1).status).toBe('fail');
    expect(checkTls({ file: 'tls/cert.pem', certificate: { error: 'ENOENT' } }, NOW).status).toBe('fail');
  });

  it('warns below 1 GiB free and fails below 64 MiB', () => {
    const disk = (freeBytes: number) => checkDisk({ path: 'data', freeBytes, totalBytes: 100 * DISK_WARN_BYTES }).status;
    expect(disk(DISK_WARN_BYTES)).toBe('ok');
    expect(disk(DISK_WARN_BYTES - 1)).toBe('warn');
    expect(disk(DISK_FAIL_BYTES - 1)).toBe('fail');
  });

  it('says an unknown clock state is unknown, not a failure', () => {
    const finding = checkClock({ synchronized: null, detail: 'timedatectl is not installed' });
    expect(finding.status).toBe('warn');
    expect(finding.explanation).toContain('unknown');
    expect(checkClock({ synchronized: false, detail: '' }).status).toBe('warn');
  });

  it('lists inventory gaps by name, at most ten with a count of the rest', () => {
    const sites = Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, name: `Site ${i}` }));
    const [networks, registrar, location] = checkInventory({
      sitesWithoutNetworks: sites,
      sitesWithoutRegistrar: [],
      devicesWithoutLocation: [{ mac: '00:15:65:aa:bb:cc', siteId: 's1' }],
    });
    expect(networks?.explanation).toContain('12 site(s) have no networks');
    expect(networks?.explanation).toContain('Site 9 (s9) and 2 more');
    expect(registrar?.status).toBe('ok');
    expect(location?.status).toBe('warn');
    expect(location?.explanation).toContain('00:15:65:aa:bb:cc');
  });

  it('tells a missing, an unreadable and a damaged database apart, with a different fix each', () => {
    const db = (reason: 'missing' | 'unreadable' | 'damaged') =>
      checkDatabase({ engine: 'sqlite', file: 'data/deskprov.db', integrity: { ok: false, reason, problems: ['x'] } });
    expect(db('missing').fix).toContain('give doctor the data folder serve uses');
    expect(db('unreadable').fix).toContain('run doctor as root');
    expect(db('damaged').fix).toContain('deskprov restore');
    expect([db('missing'), db('unreadable'), db('damaged')].map((f) => f.status)).toEqual(['fail', 'fail', 'fail']);
  });

  it('names a shared PostgreSQL by host and database, and tells no tables from no answer', () => {
    const pg = (integrity: DoctorFacts['database']['integrity']) =>
      checkDatabase({ engine: 'postgres', file: 'postgres://db.example:5432/deskprov', integrity });
    expect(pg({ ok: true })).toMatchObject({ status: 'ok', explanation: expect.stringContaining('postgres://db.example:5432/deskprov answers') });
    expect(pg({ ok: false, reason: 'missing', problems: ['x'] }).fix).toContain('start one instance with this DESKPROV_DB');
    const down = pg({ ok: false, reason: 'unreachable', problems: ['connect ECONNREFUSED'] });
    expect(down.status).toBe('fail');
    expect(down.explanation).toContain('ECONNREFUSED');
    expect(down.fix).toContain('start PostgreSQL');
  });

  it('exits 1 when any check fails, 0 when there are only warnings', () => {
    const facts = healthyFacts();
    facts.clock = { synchronized: null, detail: 'no systemd' };
    expect(exitCodeOf(diagnose(facts))).toBe(0);
    facts.discovery = { configured: ['eth9'], present: ['lo'] };
    expect(exitCodeOf(diagnose(facts))).toBe(1);
  });
});
