import type { CanonicalSettings, DirectoryEntry, ModelFile, ModelProfile } from '../../server/provisioning/types.ts';

/**
 * Literal models (one per dialect) and fixed settings for golden, round-trip and property tests.
 * The models mirror the catalogue's file layouts but are written out here so these tests do not
 * depend on catalogue edits; a separate test renders every real catalogue model.
 */

function file(name: string, kind: ModelFile['kind'], template: string, secrets = false): ModelFile {
  return { name, kind, template, secrets };
}

function model(dialect: string, name: string, modelToken: string, files: ModelFile[], lines = 2, keys = 4): ModelProfile {
  return {
    id: `${dialect}/${modelToken}`,
    vendor: dialect.split('-')[0] as string,
    name,
    family: 'sample',
    dialect,
    modelToken,
    files,
    userAgent: { patterns: [], samples: [] },
    lines,
    keys,
    oui: [],
  };
}

export const SAMPLE_MODELS: Record<string, ModelProfile> = {
  yealink: model('yealink', 'SIP-T54W', '000000000108', [
    file('{mac}.boot', 'boot', 'boot'),
    file('y000000000000.boot', 'boot', 'boot'),
    file('y{model}.cfg', 'common', 'common'),
    file('{mac}.cfg', 'device', 'device', true),
    file('yealink-directory.xml', 'directory', 'directory'),
  ]),
  poly: model('poly', 'VVX 450', 'vvx450', [
    file('000000000000.cfg', 'boot', 'master'),
    file('{mac}-sip.cfg', 'device', 'device', true),
    file('000000000000-directory.xml', 'directory', 'directory'),
  ]),
  'cisco-mpp': model('cisco-mpp', 'CP-8841-3PCC', '8841', [
    file('{model}-3PCC.xml', 'common', 'common'),
    file('{mac}.xml', 'device', 'device', true),
    file('cisco-directory.xml', 'directory', 'directory'),
  ]),
  'cisco-spa': model('cisco-spa', 'SPA504G', '504g', [
    file('spa{model}.cfg', 'common', 'common'),
    file('spa{mac}.xml', 'device', 'device', true),
  ]),
  'cisco-sep': model('cisco-sep', 'CP-8945', '8945', [
    file('SEP{MAC}.cnf.xml', 'device', 'device', true),
    file('XMLDefault.cnf.xml', 'common', 'common'),
  ]),
  grandstream: model('grandstream', 'GXP2135', 'gxp2135', [
    file('cfg{mac}.xml', 'device', 'device', true),
    file('cfg{model}.xml', 'common', 'common'),
    file('gs-phonebook.xml', 'directory', 'directory'),
  ]),
  snom: model('snom', 'D385', 'D385', [
    file('snom{MODEL}.htm', 'common', 'common'),
    file('snom{MODEL}-{MAC}.htm', 'device', 'device', true),
    file('snom-directory.xml', 'directory', 'directory'),
  ]),
  fanvil: model('fanvil', 'X4U', 'x4u', [
    file('f0X4hw1.100.cfg', 'common', 'common'),
    file('{mac}.cfg', 'device', 'device', true),
  ]),
  aastra: model('aastra', '6867i', '6867i', [
    file('aastra.cfg', 'common', 'common'),
    file('{model}.cfg', 'common', 'model'),
    file('{MAC}.cfg', 'device', 'device', true),
  ]),
  obihai: model('obihai', 'OBi1062', 'obi1062', [file('{mac}.xml', 'device', 'device', true)]),
};

/** One raw key per dialect, in that dialect's key syntax, plus one that overrides a generated key. */
export const SAMPLE_RAW: Record<string, Record<string, string>> = {
  yealink: { 'features.dnd.enable': '1', 'local_time.ntp_server1': 'ntp.raw.example' },
  poly: { 'feature.presence.enabled': '1', 'tcpIpApp.sntp.address': 'ntp.raw.example' },
  'cisco-mpp': { Call_Waiting_Serv: 'Yes', Primary_NTP_Server: 'ntp.raw.example' },
  'cisco-spa': { Call_Waiting_Serv: 'Yes', Primary_NTP_Server: 'ntp.raw.example' },
  'cisco-sep': { webAccess: '0' },
  grandstream: { P1362: '1', P30: 'ntp.raw.example' },
  snom: { 'dnd_mode[1]': 'off', ntp_server: 'ntp.raw.example' },
  fanvil: { 'phone/date/EnableDST': '1', 'phone/date/SNTPServer': 'ntp.raw.example' },
  aastra: { 'call waiting': '1', 'time server1': 'ntp.raw.example' },
  obihai: { 'VoiceService.1.VoiceProfile.1.SIP.RegisterExpires': '300' },
};

export const SAMPLE_MAC = '0015651a2b3c';

/** A user's desk phone: two lines (second disabled), keys, credentials, firmware, directory. */
export function userDeviceSettings(dialect: string): CanonicalSettings {
  return {
    lines: [
      {
        index: 1,
        enabled: true,
        extension: '1001',
        authUser: '1001',
        secret: 's3cret-1001',
        displayName: 'Alice Example',
        label: 'Alice',
        registrar: 'pbx.example.com',
        port: 5060,
        transport: 'udp',
      },
      {
        index: 2,
        enabled: false,
        extension: '1002',
        authUser: 'auth1002',
        secret: 's3cret-1002',
        displayName: 'Alice Second',
        label: 'Line 2',
        registrar: 'pbx.example.com',
        port: 5061,
        transport: 'tls',
      },
      {
        index: 3,
        enabled: true,
        extension: '1003',
        authUser: '1003',
        secret: 'beyond-model-cap',
        displayName: 'Not Rendered',
        label: 'Capped',
        registrar: 'pbx.example.com',
        port: 5060,
        transport: 'udp',
      },
    ],
    time: { ntp: 'pool.ntp.org', timezone: 'Europe/Berlin' },
    provisioning: {
      url: 'http://prov.example.com/p/',
      credentials: { username: 'dev-0015651a2b3c', password: 'prov-pass' },
    },
    firmware: { url: 'http://prov.example.com/fw/T54W-96.86.0.70.rom', version: '96.86.0.70' },
    status: { eventUrl: 'http://prov.example.com/api/v1/phone-events' },
    network: { lldp: true, vlan: 20 },
    keys: [
      { index: 1, type: 'line', value: '1', label: 'Alice' },
      { index: 2, type: 'blf', value: '1010', label: 'Reception' },
      { index: 3, type: 'speeddial', value: '5551234', label: 'Taxi' },
      { index: 5, type: 'blf', value: '1099', label: 'Beyond key cap' },
    ],
    directory: { url: 'http://prov.example.com/p/directory.xml' },
    raw: SAMPLE_RAW[dialect] ?? {},
    language: 'en',
  };
}

/** A standalone (lobby) phone: one line of its own, no credentials, firmware, keys or raw keys. */
export function standaloneSettings(): CanonicalSettings {
  return {
    lines: [
      {
        index: 1,
        enabled: true,
        extension: '2000',
        authUser: '2000',
        secret: 'lobby-secret',
        displayName: 'Lobby',
        label: 'Lobby',
        registrar: '10.0.0.5',
        port: 5060,
        transport: 'tcp',
      },
    ],
    time: { ntp: '10.0.0.1', timezone: 'America/New_York' },
    provisioning: { url: 'https://prov.example.com/p/' },
    status: { eventUrl: 'https://prov.example.com/api/v1/phone-events' },
    network: { lldp: true },
    keys: [],
    raw: {},
    language: 'en',
  };
}

export const SAMPLE_DIRECTORY: DirectoryEntry[] = [
  { name: 'Alice Example', extension: '1001' },
  { name: 'Bob & Co <Sales>', extension: '1002' },
];
