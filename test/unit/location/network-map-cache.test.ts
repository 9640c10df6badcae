import { describe, expect, it } from 'vitest';
import { resolveLocation } from '../../../server/domain/e911-resolution.ts';
import { normaliseNetworkMapEntry, type NetworkMapEntry, type NetworkMapInput } from '../../../server/domain/network-map.ts';
import { createNetworkMapCache } from '../../../server/location/network-map-cache.ts';

const entry = (id: string, input: NetworkMapInput): NetworkMapEntry => ({ id, ...normaliseNetworkMapEntry(input) });
const NONE = { assignedLocationId: null, siteDefaultLocationId: null };

describe('createNetworkMapCache', () => {
  const map = [entry('a', { locationId: 'campus', kind: 'subnet', cidr: '10.0.0.0/8' }), entry('b', { locationId: 'wing', kind: 'subnet', cidr: '10.1.0.0/16' })];

  it('compiles a map once, whether the same array or a fresh read of the same entries is passed', () => {
    const cache = createNetworkMapCache();
    const first = cache.compiled(map);
    expect(cache.compiled(map)).toBe(first);
    expect(cache.compiled(structuredClone(map))).toBe(first);
    expect(resolveLocation({ ip: '10.1.2.3' }, first, NONE).locationId).toBe('wing');
  });

  it('compiles again when an entry is added, removed or points elsewhere', () => {
    const cache = createNetworkMapCache();
    const first = cache.compiled(map);
    const added = cache.compiled([...map, entry('c', { locationId: 'room', kind: 'subnet', cidr: '10.1.2.0/24' })]);
    expect(added).not.toBe(first);
    expect(resolveLocation({ ip: '10.1.2.3' }, added, NONE).locationId).toBe('room');
    const removed = cache.compiled(map.slice(0, 1));
    expect(resolveLocation({ ip: '10.1.2.3' }, removed, NONE).locationId).toBe('campus');
    const moved = cache.compiled([map[0] as NetworkMapEntry, { ...(map[1] as NetworkMapEntry), locationId: 'other-wing' }]);
    expect(resolveLocation({ ip: '10.1.2.3' }, moved, NONE).locationId).toBe('other-wing');
  });
});
