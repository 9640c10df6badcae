import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, derivePublicUrl, listenUrl, parseConfig, type SystemFacts } from '../../server/config.ts';

const system: SystemFacts = {
  cwd: path.resolve('/srv/deskprov'),
  interfaces: {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [{ address: '192.0.2.10', family: 'IPv4', internal: false }],
  },
};

function ok(flags: Parameters<typeof parseConfig>[0], env: Record<string, string> = {}) {
  const result = parseConfig(flags, env, system);
  if (!result.ok) throw new Error(`expected a valid config, got: ${result.errors.join('; ')}`);
  return result.config;
}

function errorsOf(flags: Parameters<typeof parseConfig>[0], env: Record<string, string> = {}): string[] {
  const result = parseConfig(flags, env, system);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('parseConfig', () => {
  it('uses the embedded defaults of the contract when nothing is given', () => {
    const config = ok({});
    expect(config.dataDir).toBe(path.resolve(system.cwd, 'data'));
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.https).toBeNull();
    expect(config.tftp).toEqual({ host: '127.0.0.1', port: 6969 });
    expect(config.publicUrl).toBe('http://127.0.0.1:8080/');
    expect(config.publicUrlDerived).toBe(true);
    expect(config.discovery).toEqual([]);
    expect(config.logLevel).toBe('info');
    expect(config.adminToken).toBeUndefined();
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.limits.bodyLimit).toBe(1_048_576);
  });

  it('takes the environment over the defaults', () => {
    const config = ok(
      {},
      {
        DESKPROV_DATA: '/var/lib/deskprov',
        DESKPROV_HTTP: '0.0.0.0:80',
        DESKPROV_HTTPS: '[::]:443',
        DESKPROV_TFTP: 'off',
        DESKPROV_PUBLIC_URL: 'https://prov.example.com/phones',
        DESKPROV_DISCOVERY: 'eth0',
        DESKPROV_LOG: 'debug',
        DESKPROV_ADMIN_TOKEN: 'a-long-enough-admin-token-0001',
      },
    );
    expect(config.dataDir).toBe(path.resolve('/var/lib/deskprov'));
    expect(config.http).toEqual({ host: '0.0.0.0', port: 80 });
    expect(config.https).toEqual({ host: '::', port: 443 });
    expect(config.tftp).toBeNull();
    expect(config.publicUrl).toBe('https://prov.example.com/phones/');
    expect(config.publicUrlDerived).toBe(false);
    expect(config.discovery).toEqual(['eth0']);
    expect(config.logLevel).toBe('debug');
    expect(config.adminToken).toBe('a-long-enough-admin-token-0001');
  });

  it('takes flags over the environment', () => {
    const config = ok(
      { http: '127.0.0.1:9000', log: 'warn', tftp: '127.0.0.1:1069', data: 'other' },
      { DESKPROV_HTTP: '0.0.0.0:80', DESKPROV_LOG: 'debug', DESKPROV_TFTP: 'off' },
    );
    expect(config.http.port).toBe(9000);
    expect(config.logLevel).toBe('warn');
    expect(config.tftp).toEqual({ host: '127.0.0.1', port: 1069 });
    expect(config.dataDir).toBe(path.resolve(system.cwd, 'other'));
  });

  it('treats an empty environment variable as unset', () => {
    expect(ok({}, { DESKPROV_HTTP: '', DESKPROV_ADMIN_TOKEN: '' }).http.port).toBe(8080);
    expect(ok({}, { DESKPROV_ADMIN_TOKEN: '' }).adminToken).toBeUndefined();
  });

  it('accepts bracketed IPv6, host names and port 0', () => {
    expect(ok({ http: '[::1]:0' }).http).toEqual({ host: '::1', port: 0 });
    expect(ok({ http: '[::1]:8080' }).publicUrl).toBe('http://[::1]:8080/');
    expect(ok({ http: 'localhost:8080' }).http.host).toBe('localhost');
  });

  it('refuses a port out of range with the setting named', () => {
    expect(errorsOf({ http: '127.0.0.1:70000' })).toEqual(['--http / DESKPROV_HTTP: port 70000 is out of range (0-65535)']);
  });

  it('refuses malformed listen addresses', () => {
    for (const bad of ['8080', '127.0.0.1', '127.0.0.1:', '127.0.0.1:80a', '::1:8080', 'host:-1', '']) {
      expect(errorsOf({ http: bad })[0]).toMatch(/^--http \/ DESKPROV_HTTP: ".*" is not host:port/);
    }
  });

  it('refuses hosts that are neither an address nor a host name', () => {
    expect(errorsOf({ tftp: '999.1.1.1:69' })).toEqual(['--tftp / DESKPROV_TFTP: "999.1.1.1" is not an IP address or host name']);
    expect(errorsOf({ https: '[zz::1]:443' })[0]).toMatch(/"zz::1" is not an IP address/);
    expect(errorsOf({ http: 'bad_host!:80' })[0]).toMatch(/is not an IP address or host name/);
  });

  it('refuses discovery on an interface the machine does not have, naming those it has', () => {
    expect(errorsOf({ discovery: 'eth0,wlan9' })).toEqual([
      '--discovery / DESKPROV_DISCOVERY: no network interface "wlan9" (have: lo, eth0)',
    ]);
    expect(errorsOf({ discovery: ' , ' })[0]).toMatch(/give interface names/);
    expect(ok({ discovery: 'off' }).discovery).toEqual([]);
  });

  it('refuses an unknown log level', () => {
    expect(errorsOf({ log: 'verbose' })[0]).toMatch(/^--log \/ DESKPROV_LOG: "verbose" is not a log level/);
  });

  it('refuses a short or non-printable admin token without echoing it', () => {
    const short = errorsOf({}, { DESKPROV_ADMIN_TOKEN: 'short-secret' });
    expect(short).toEqual(['DESKPROV_ADMIN_TOKEN: must be at least 20 characters']);
    expect(short.join()).not.toContain('short-secret');
    expect(errorsOf({}, { DESKPROV_ADMIN_TOKEN: 'has a space in it ........' })[0]).toMatch(/printable ASCII/);
  });

  it('refuses public URLs that are not plain http(s) base URLs', () => {
    expect(errorsOf({ publicUrl: 'not a url' })[0]).toMatch(/is not a URL/);
    expect(errorsOf({ publicUrl: 'ftp://x/' })[0]).toMatch(/http:\/\/ or https:\/\//);
    expect(errorsOf({ publicUrl: 'http://u:p@x/' })[0]).toMatch(/credentials/);
    expect(errorsOf({ publicUrl: 'http://x/?a=1' })[0]).toMatch(/query/);
  });

  it('reports every problem at once', () => {
    expect(errorsOf({ http: 'x', tftp: 'y', log: 'z' })).toHaveLength(3);
  });
});

describe('derivePublicUrl', () => {
  it('replaces a wildcard listener by the first external IPv4 address', () => {
    expect(derivePublicUrl({ host: '0.0.0.0', port: 80 }, system)).toBe('http://192.0.2.10:80/');
    expect(derivePublicUrl({ host: '::', port: 80 }, system)).toBe('http://192.0.2.10:80/');
  });

  it('falls back to loopback when the machine has no external address', () => {
    expect(derivePublicUrl({ host: '0.0.0.0', port: 80 }, { interfaces: { lo: [] } })).toBe('http://127.0.0.1:80/');
  });
});

describe('listenUrl', () => {
  it('brackets IPv6 hosts', () => {
    expect(listenUrl('https', { host: '::1', port: 443 })).toBe('https://[::1]:443/');
    expect(listenUrl('http', { host: '127.0.0.1', port: 8080 })).toBe('http://127.0.0.1:8080/');
  });
});

describe('parseConfig: phoneSecurity (config file only)', () => {
  it('resolves vendor CA files against the working directory and keeps the site lists', () => {
    const result = parseConfig({ https: '0.0.0.0:443' }, {}, system, {
      phoneSecurity: { clientCaFiles: ['cas/poly.pem'], certificateSites: ['*'], encryptedFileSites: ['site-1'] },
    });
    expect(result.ok && result.config.phoneSecurity).toEqual({
      clientCaFiles: [path.resolve(system.cwd, 'cas/poly.pem')],
      certificateSites: ['*'],
      encryptedFileSites: ['site-1'],
    });
    expect(ok({}).phoneSecurity).toBeUndefined();
  });

  it('refuses to require certificates without vendor CAs or without HTTPS', () => {
    const noCa = parseConfig({ https: '0.0.0.0:443' }, {}, system, { phoneSecurity: { certificateSites: ['*'] } });
    const noHttps = parseConfig({}, {}, system, { phoneSecurity: { clientCaFiles: ['ca.pem'], certificateSites: ['*'] } });
    for (const result of [noCa, noHttps]) {
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.errors).toContain('phoneSecurity.certificateSites: needs phoneSecurity.clientCaFiles and HTTPS on');
    }
  });
});

describe('parseConfig: emergency (config file only)', () => {
  it('passes the extra emergency numbers and dial prefixes on, empty lists for missing ones', () => {
    const result = parseConfig({}, {}, system, { emergency: { extraNumbers: ['112', '999'] } });
    expect(result.ok && result.config.emergency).toEqual({ extraNumbers: ['112', '999'], dialPrefixes: [] });
    expect(ok({}).emergency).toBeUndefined();
  });
});
