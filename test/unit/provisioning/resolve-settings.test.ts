import { describe, expect, it } from 'vitest';
import { fileNameFor, mergeProfiles, resolveSettings, type ResolveInput } from '../../../server/provisioning/resolve-settings.ts';
import type { ModelProfile } from '../../../server/provisioning/types.ts';

const model: ModelProfile = {
  id: 'yealink/t54w',
  vendor: 'yealink',
  name: 'SIP-T54W',
  family: 't5x',
  dialect: 'yealink',
  modelToken: 't54w',
  files: [
    { name: '{mac}.boot', kind: 'boot', template: 'boot', secrets: false },
    { name: '{mac}.cfg', kind: 'device', template: 'mac-cfg', secrets: true },
    { name: 'directory-{model}.xml', kind: 'directory', template: 'phonebook', secrets: false },
  ],
  userAgent: { patterns: [], samples: [] },
  lines: 16,
  keys: 3,
  oui: ['001565'],
};

const alice = { number: 1001, authUser: '1001', secret: 's3cret-s3cret', displayName: 'Alice' };

function input(over: Partial<ResolveInput> = {}): ResolveInput {
  return {
    model,
    mac: '0015651234ab',
    site: { timezone: 'Europe/Berlin', registrar: { host: 'pbx.example.com' } },
    profileChain: [],
    lines: { kind: 'user', extension: alice },
    publicUrl: 'http://prov.example.com:8080/',
    ...over,
  };
}

describe('resolve settings', () => {
  it('gives a user device the user extension on line 1 with the site registrar and time zone', () => {
    const s = resolveSettings(input());
    expect(s.lines).toEqual([
      { index: 1, enabled: true, extension: '1001', authUser: '1001', secret: 's3cret-s3cret', displayName: 'Alice', label: '1001', registrar: 'pbx.example.com', port: 5060, transport: 'udp' },
    ]);
    expect(s.time).toEqual({ ntp: 'pool.ntp.org', timezone: 'Europe/Berlin' });
    expect(s.provisioning).toEqual({ url: 'http://prov.example.com:8080/' });
    expect(s.status.eventUrl).toBe('http://prov.example.com:8080/api/v1/events');
    expect(s.directory).toEqual({ url: 'http://prov.example.com:8080/directory-t54w.xml' });
    expect(s.network).toEqual({ lldp: true });
    expect(s.firmware).toBeUndefined();
  });

  it('labels a standalone device with its own label and disables lines of an unbound device', () => {
    const standalone = resolveSettings(input({ lines: { kind: 'standalone', extension: { ...alice, number: 1500 }, label: 'Lobby' } }));
    expect(standalone.lines[0]?.label).toBe('Lobby');
    expect(standalone.lines[0]?.extension).toBe('1500');
    const none = resolveSettings(input({ lines: { kind: 'none' } }));
    expect(none.lines).toHaveLength(1);
    expect(none.lines[0]).toMatchObject({ enabled: false, secret: '', authUser: '', registrar: 'pbx.example.com' });
  });

  it('applies the profile chain parent first, then device overrides, raw keys of this dialect only', () => {
    const s = resolveSettings(
      input({
        profileChain: [
          { time: { ntp: 'ntp.parent' }, sip: { transport: 'tls' }, raw: { yealink: { a: '1', b: '1' }, poly: { p: '1' } }, language: 'de' },
          { time: { ntp: 'ntp.child' }, raw: { yealink: { b: '2' } }, keys: [{ index: 1, type: 'blf', value: '1002', label: 'Bob' }, { index: 9, type: 'blf', value: '1003', label: 'Out of range' }] },
        ],
        deviceOverrides: { network: { vlan: 20 }, raw: { yealink: { c: '3' } } },
      }),
    );
    expect(s.time.ntp).toBe('ntp.child');
    expect(s.lines[0]).toMatchObject({ transport: 'tls', port: 5061 });
    expect(s.raw).toEqual({ a: '1', b: '2', c: '3' });
    expect(s.language).toBe('de');
    expect(s.network).toEqual({ lldp: true, vlan: 20 });
    expect(s.keys).toEqual([{ index: 1, type: 'blf', value: '1002', label: 'Bob' }]);
  });

  it('points the firmware URL at the pinned file and carries credentials and agent token when given', () => {
    const s = resolveSettings(
      input({
        profileChain: [{ firmware: { 'yealink/t54w': { version: '96.86.0.1', file: 'T54W-96.86.0.1.rom' }, 'yealink/t46u': { version: '1', file: 'x.rom' } } }],
        credentials: { username: 'dev-0015651234ab', password: 'pw' },
        agentToken: 'tok',
      }),
    );
    expect(s.firmware).toEqual({ url: 'http://prov.example.com:8080/firmware/yealink/T54W-96.86.0.1.rom', version: '96.86.0.1' });
    expect(s.provisioning.credentials).toEqual({ username: 'dev-0015651234ab', password: 'pw' });
    expect(s.agentToken).toBe('tok');
    expect(s.status.eventUrl).toBe('http://prov.example.com:8080/api/v1/events/tok');
  });

  it('puts the device event key in the event URL in preference to the agent token, and carries the config revision', () => {
    const s = resolveSettings(input({ agentToken: 'tok', eventKey: '0015651234abKEY', configRevision: 7 }));
    expect(s.status).toEqual({ eventUrl: 'http://prov.example.com:8080/api/v1/events/0015651234abKEY', key: '0015651234abKEY', revision: '7' });
    expect(s.agentToken).toBe('tok');
  });

  it('takes port and transport from the site registrar unless a profile overrides them', () => {
    const s = resolveSettings(input({ site: { timezone: 'UTC', registrar: { host: 'pbx', port: 5080, transport: 'tcp' } } }));
    expect(s.lines[0]).toMatchObject({ port: 5080, transport: 'tcp' });
  });

  it('is deterministic and does not share structure with its input', () => {
    const chain = [{ keys: [{ index: 1, type: 'line' as const, value: '1', label: 'L1' }] }];
    const a = resolveSettings(input({ profileChain: chain }));
    const b = resolveSettings(input({ profileChain: chain }));
    expect(a).toEqual(b);
    a.keys[0]!.label = 'changed';
    expect(chain[0]!.keys[0]!.label).toBe('L1');
  });

  it('fills file-name placeholders in the vendor case and merges layers key by key', () => {
    expect(fileNameFor({ name: 'SEP{MAC}.cnf.xml', kind: 'device', template: 't', secrets: true }, model, '0015651234ab')).toBe('SEP0015651234AB.cnf.xml');
    expect(fileNameFor({ name: 'snom{model}.htm', kind: 'common', template: 't', secrets: false }, model, undefined)).toBe('snomt54w.htm');
    expect(mergeProfiles([{ time: { ntp: 'a' } }, undefined, { time: { timezone: 'UTC' } }])).toEqual({ time: { ntp: 'a', timezone: 'UTC' } });
  });
});
