import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, parseConfig, type SystemFacts } from '../../server/config.ts';
import { parseConfigFile, type ConfigFile } from '../../server/config-file.ts';

const SYSTEM: SystemFacts = { interfaces: { lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }], eth0: [] }, cwd: '/srv' };

function file(value: unknown): ConfigFile {
  const parsed = parseConfigFile(JSON.stringify(value), 'deskprov.json');
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.file;
}

describe('parseConfigFile', () => {
  it('accepts every setting with limits', () => {
    const parsed = parseConfigFile(
      JSON.stringify({ $schema: './deskprov.schema.json', data: '/var/lib/deskprov', http: '0.0.0.0:80', https: 'off', tftp: '[::]:69', publicUrl: 'http://192.0.2.10/', discovery: ['eth0'], log: 'warn', limits: { bodyLimit: 2048 } }),
      'deskprov.json',
    );
    expect(parsed.ok).toBe(true);
  });

  it('names each unknown key and each bad value, nested keys with dots', () => {
    const parsed = parseConfigFile(JSON.stringify({ htp: '0.0.0.0:80', log: 'loud', limits: { bodyLimit: 0, burst: 1 } }), 'deskprov.json');
    expect(parsed.ok).toBe(false);
    const errors = parsed.ok ? [] : parsed.errors;
    expect(errors).toContain('deskprov.json: unknown key "htp"');
    expect(errors).toContain('deskprov.json: unknown key "limits.burst"');
    expect(errors.some((e) => e.startsWith('deskprov.json: "log": '))).toBe(true);
    expect(errors.some((e) => e.startsWith('deskprov.json: "limits.bodyLimit": '))).toBe(true);
  });

  it('checks listen addresses and the public URL the way flags are checked, naming the file key', () => {
    const parsed = parseConfigFile(JSON.stringify({ http: '127.0.0.1:70000', tftp: 'nohost', publicUrl: 'http://' }), 'deskprov.json');
    expect(parsed.ok ? [] : parsed.errors).toEqual([
      'deskprov.json: "http": port 70000 is out of range (0-65535)',
      'deskprov.json: "tftp": "nohost" is not host:port (e.g. 127.0.0.1:8080 or [::1]:8080)',
      'deskprov.json: "publicUrl": "http://" is not a URL',
    ]);
  });

  it('refuses text that is not a JSON object', () => {
    expect(parseConfigFile('{"http": ', 'a.json')).toMatchObject({ ok: false, errors: [expect.stringMatching(/^a\.json: not valid JSON/)] });
    expect(parseConfigFile('[]', 'a.json')).toEqual({ ok: false, errors: ['a.json: must be a JSON object'] });
  });
});

describe('parseConfig with a config file', () => {
  it('takes flags over environment over file over defaults', () => {
    const settings = file({ http: '0.0.0.0:80', tftp: '0.0.0.0:69', log: 'warn', data: 'state' });
    const result = parseConfig({ http: '127.0.0.1:8081' }, { DESKPROV_TFTP: 'off' }, SYSTEM, settings);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.http).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(result.config.tftp).toBeNull();
    expect(result.config.logLevel).toBe('warn');
    expect(result.config.dataDir).toBe('/srv/state');
    expect(result.config.https).toBeNull();
  });

  it('merges file limits over the default limits and reads discovery as a list', () => {
    const result = parseConfig({}, {}, SYSTEM, file({ discovery: ['eth0', 'lo'], limits: { bodyLimit: 4096 } }));
    expect(result.ok && result.config.limits).toEqual({ ...DEFAULT_LIMITS, bodyLimit: 4096 });
    expect(result.ok && result.config.discovery).toEqual(['eth0', 'lo']);
    const off = parseConfig({}, {}, SYSTEM, file({ discovery: [] }));
    expect(off.ok && off.config.discovery).toEqual([]);
  });
});
