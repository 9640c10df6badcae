import { describe, expect, it } from 'vitest';
import { FIELD_KEYS, READERS } from '../../helpers/readers/index.ts';
import { needsMac, renderSample } from '../../helpers/render-sample.ts';
import { SAMPLE_MODELS, standaloneSettings } from '../../helpers/sample-models.ts';
import type { CanonicalSettings, ModelFile, ModelProfile } from '../../../server/provisioning/types.ts';

/**
 * Shared files are rendered for a site with no profile; the device file is the only place a
 * device's own profile can reach the phone. So every setting of a shared file that a profile can
 * change must also be in the device file, with the device's value.
 */

/** One raw key per dialect that no template generates, in the dialect's key syntax. */
const RAW: Record<string, [string, string]> = {
  yealink: ['features.intercom.allow', '1'],
  poly: ['feature.callRecording.enabled', '1'],
  'cisco-mpp': ['Call_Forward_Serv', 'No'],
  'cisco-spa': ['Call_Forward_Serv', 'No'],
  'cisco-sep': ['pcPort', '1'],
  grandstream: ['P1363', '7'],
  snom: ['dnd_mode[2]', 'on'],
  fanvil: ['phone/date/EnableDST', '0'],
  aastra: ['call forward disabled', '1'],
  obihai: ['VoiceService.1.VoiceProfile.1.SIP.RegisterExpires', '600'],
};

/**
 * Keys of a shared file that the device file writes under another name (a different root element
 * or vendor key), keyed by the shared file's key. Checked like every other key.
 */
const RENAMED: Record<string, Record<string, string>> = {
  poly: { 'APPLICATION@APP_FILE_PATH': 'polycomConfig@device.prov.upgradeServer' },
  'cisco-sep': { 'Default/loadInformation[model=CP-8945]': 'device/loadInformation' },
};

/** `[--uid u --pwd p]` in front of a Cisco profile rule (VENDORS.md §3). */
const CISCO_RULE_AUTH = /^\[--uid \S+ --pwd \S+\]/;

/** Keys that exist only to name further files: they differ by design, not by profile. */
const FILE_INDEX = new Set(['APPLICATION@CONFIG_FILES']);

/** Two profiles as far apart as the tree allows. */
function profile(variant: 'a' | 'b', dialect: string): CanonicalSettings {
  const base = standaloneSettings();
  const [rawKey, rawValue] = RAW[dialect] ?? ['', ''];
  return {
    ...base,
    time: variant === 'a' ? { ntp: 'ntp-a.example', timezone: 'America/New_York' } : { ntp: 'ntp-b.example', timezone: 'Asia/Kolkata' },
    provisioning: { url: `http://prov-${variant}.example/p/`, credentials: { username: `dev-${variant}`, password: `pw-${variant}` } },
    status: { eventUrl: `http://prov-${variant}.example/api/v1/phone-events` },
    network: variant === 'a' ? { lldp: true, vlan: 10 } : { lldp: false, vlan: 30 },
    firmware: { url: `http://prov-${variant}.example/firmware/fw-${variant}.bin`, version: `1.0.${variant === 'a' ? 1 : 2}` },
    directory: { url: `http://prov-${variant}.example/dir-${variant}.xml` },
    raw: variant === 'b' ? { [rawKey]: rawValue } : {},
  };
}

function read(dialect: string, model: ModelProfile, file: ModelFile, settings: CanonicalSettings): Map<string, string> {
  const reader = READERS[dialect];
  if (reader === undefined) throw new Error(`no reader for ${dialect}`);
  return reader(file.template, renderSample(model, file, settings).body.toString('utf8'));
}

describe.each(Object.entries(SAMPLE_MODELS))('the %s device file', (dialect, model) => {
  const device = model.files.find((f) => f.kind === 'device');
  if (device === undefined) throw new Error(`${model.id} has no device file`);
  const shared = model.files.filter((f) => !needsMac(f) && f.kind !== 'directory');

  it('carries the profile’s NTP server and raw key', () => {
    const [rawKey, rawValue] = RAW[dialect] ?? ['', ''];
    const got = read(dialect, model, device, profile('b', dialect));
    expect(got.get(FIELD_KEYS[dialect]?.ntp ?? '')).toBe('ntp-b.example');
    const rawSeen = [...got].some(([key, value]) => value === rawValue && key.includes(rawKey.replace(/\[\d+\]$/, '').split('/').pop() ?? rawKey));
    expect(rawSeen, `raw key ${rawKey}`).toBe(true);
  });

  it('differs between two devices of the model with different profiles, in every profile setting', () => {
    const a = read(dialect, model, device, profile('a', dialect));
    const b = read(dialect, model, device, profile('b', dialect));
    const changed = [...b.keys()].filter((key) => a.get(key) !== b.get(key));
    expect(changed.length).toBeGreaterThan(3);
    const text = [...b.values()].join('\n');
    expect(text).toContain('ntp-b.example');
    expect(text).not.toContain('ntp-a.example');
  });

  // Obihai has no shared file: its device file is all there is.
  if (shared.length === 0) return;
  it('repeats every profile-dependent setting of the shared files with the device’s value', () => {
    const b = read(dialect, model, device, profile('b', dialect));
    for (const file of shared) {
      const sharedA = read(dialect, model, file, profile('a', dialect));
      const sharedB = read(dialect, model, file, profile('b', dialect));
      const dependent = [...sharedB.keys()].filter((key) => !FILE_INDEX.has(key) && sharedA.get(key) !== sharedB.get(key));
      for (const key of dependent) {
        const deviceKey = RENAMED[dialect]?.[key] ?? key;
        // Cisco's device file puts its own credentials in front of the resync rule.
        expect(b.get(deviceKey)?.replace(CISCO_RULE_AUTH, ''), `${file.name}: ${key}`).toBe(sharedB.get(key));
      }
    }
  });
});
