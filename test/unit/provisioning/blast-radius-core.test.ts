import { describe, expect, it } from 'vitest';
import {
  countAffected,
  deviceFilesOf,
  profileChainFrom,
  sharedFilesChange,
  sharedFilesOf,
  type ChainLink,
  type DeviceCase,
} from '../../../server/provisioning/blast-radius-core.ts';
import type { ResolveInput } from '../../../server/provisioning/resolve-settings.ts';
import type { ModelProfile, ProfileSettings } from '../../../server/provisioning/types.ts';
import { SAMPLE_MODELS } from '../../helpers/sample-models.ts';

const yealink = SAMPLE_MODELS.yealink as ModelProfile;
const poly = SAMPLE_MODELS.poly as ModelProfile;
const site = { timezone: 'Europe/Berlin', registrar: { host: 'pbx.example.com' } };

function input(model: ModelProfile, mac: string, chain: ProfileSettings[], timezone = site.timezone): ResolveInput {
  return {
    model,
    mac,
    site: { ...site, timezone },
    profileChain: chain,
    lines: { kind: 'standalone', extension: { number: 2000, authUser: '2000', secret: 's', displayName: 'Lobby' } },
    publicUrl: 'http://deskprov.invalid/',
  };
}

function device(model: ModelProfile, mac: string, before: ProfileSettings[], after: ProfileSettings[]): DeviceCase {
  return { model, before: input(model, mac, before), after: input(model, mac, after) };
}

describe('profileChainFrom', () => {
  const links: Record<string, ChainLink> = {
    root: { parentId: null, settings: { language: 'en' } },
    mid: { parentId: 'root', settings: { language: 'de' } },
    leaf: { parentId: 'mid', settings: { language: 'fr' } },
    loopA: { parentId: 'loopB', settings: {} },
    loopB: { parentId: 'loopA', settings: {} },
  };
  const get = (id: string) => links[id];

  it('lists the ancestors root first, as the pipeline applies them', () => {
    expect(profileChainFrom('leaf', get).map((s) => s.language)).toEqual(['en', 'de', 'fr']);
  });

  it('stops at a cycle and at a missing profile', () => {
    expect(profileChainFrom('loopA', get)).toHaveLength(2);
    expect(profileChainFrom('gone', get)).toEqual([]);
    expect(profileChainFrom(null, get)).toEqual([]);
  });
});

describe('countAffected', () => {
  it('counts per model the devices whose rendered bytes change', () => {
    const ntpA = [{ time: { ntp: 'a.example' } }];
    const ntpB = [{ time: { ntp: 'b.example' } }];
    const got = countAffected(
      [device(yealink, '001565000001', ntpA, ntpB), device(yealink, '001565000002', ntpA, ntpB), device(poly, '0004f2000001', ntpA, ntpB), device(poly, '0004f2000002', ntpA, ntpA)],
      2026,
    );
    expect(got).toEqual({ total: 3, byModel: { [yealink.id]: 2, [poly.id]: 1 }, unrenderable: 0 });
  });

  it('does not count a change that no file of the model renders', () => {
    // Yealink renders no language key and no raw key of another dialect.
    const got = countAffected([device(yealink, '001565000001', [{ language: 'en' }], [{ language: 'de', raw: { poly: { x: '1' } } }])], 2026);
    expect(got.total).toBe(0);
  });

  it('counts a device whose new values cannot be rendered as affected and unrenderable', () => {
    const got = countAffected([device(yealink, '001565000001', [], [{ raw: { yealink: { 'a=b': '1' } } }])], 2026);
    expect(got).toEqual({ total: 1, byModel: { [yealink.id]: 1 }, unrenderable: 1 });
  });

  it('counts every device of a model whose shared files change', () => {
    const same = device(yealink, '001565000001', [], []);
    expect(countAffected([same], 2026).total).toBe(0);
    expect(countAffected([same], 2026, (m) => m.id === yealink.id).total).toBe(1);
  });
});

describe('device and shared files', () => {
  it('splits a model’s files into per-device and shared ones, leaving directories out', () => {
    expect(deviceFilesOf(yealink).map((f) => f.name)).toEqual(['{mac}.boot', '{mac}.cfg']);
    expect(sharedFilesOf(yealink).map((f) => f.name)).toEqual(['y000000000000.boot', 'y{model}.cfg']);
  });

  it('sees a site time-zone change in the shared files and not a change they do not carry', () => {
    const shared = (timezone: string, host = 'pbx.example.com'): ResolveInput => ({
      model: yealink,
      site: { timezone, registrar: { host } },
      profileChain: [],
      lines: { kind: 'none' },
      publicUrl: 'http://deskprov.invalid/',
    });
    expect(sharedFilesChange(yealink, shared('Europe/Berlin'), shared('Asia/Kolkata'), 2026).changed).toBe(true);
    expect(sharedFilesChange(yealink, shared('Europe/Berlin'), shared('Europe/Berlin', 'pbx2.example.com'), 2026).changed).toBe(false);
  });
});
