import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  LldpParseError,
  parseAge,
  parseLldpNeighbors,
  readLldpNeighbors,
  toEvidence,
} from '../../../agent/lldp-neighbors.ts';
import type { Runner } from '../../../agent/run-command.ts';

const sample = (name: string) => readFileSync(new URL(`../../../agent/samples/${name}`, import.meta.url), 'utf8');

describe('parseLldpNeighbors', () => {
  it('reads chassis, port, system name and the LLDP-MED civic location as RFC 5139 fields', () => {
    const [n] = parseLldpNeighbors(sample('lldpcli-json0-one-neighbor.json'));
    expect(n).toEqual({
      interface: 'eth0',
      ageSeconds: 1,
      chassisId: { type: 'local', value: 'sw-chassis-0001' },
      portId: { type: 'local', value: 'Gi1/0/1' },
      sysName: 'test-switch-1',
      portDescription: 'Desk 41-02 port 1',
      medLocation: {
        format: 'civic',
        civic: { country: 'US', A3: 'Chicago', A6: 'Wacker Dr', HNO: '233', PC: '60606', FLR: '41', ROOM: '4102' },
      },
    });
  });

  it('picks the most recently heard neighbour when a re-patch leaves the old port listed first', () => {
    const neighbors = parseLldpNeighbors(sample('lldpcli-json0-repatch.json'));
    expect(neighbors).toHaveLength(1);
    expect(neighbors[0]?.portId.value).toBe('Gi1/0/2');
    expect(neighbors[0]?.medLocation).toMatchObject({ civic: { ROOM: '4103' } });
  });

  it('returns no neighbours for lldpd output with none', () => {
    expect(parseLldpNeighbors('{"lldp":[{}]}')).toEqual([]);
  });

  it('skips entries without a chassis or port id instead of failing', () => {
    const doc = { lldp: [{ interface: [{ name: 'eth0', chassis: [{}], port: [{ id: [{ value: 'x' }] }] }] }] };
    expect(parseLldpNeighbors(JSON.stringify(doc))).toEqual([]);
  });

  it('reads ELIN and coordinate locations', () => {
    const itf = (location: object) => ({
      lldp: [{ interface: [{ name: 'eth0', age: '0 day, 00:00:02', chassis: [{ id: [{ type: 'mac', value: '00:00:5e:00:53:01' }] }], port: [{ id: [{ type: 'ifname', value: 'ge-0/0/1' }] }], 'lldp-med': [{ location: [location] }] }] }],
    });
    const elin = parseLldpNeighbors(JSON.stringify(itf({ type: 'ELIN', ecs: [{ value: '3125550100' }] })));
    expect(elin[0]?.medLocation).toEqual({ format: 'elin', elin: '3125550100' });
    const geo = parseLldpNeighbors(JSON.stringify(itf({ type: 'Coordinates', lat: [{ value: '48.58666N' }], lon: [{ value: '2.2013E' }] })));
    expect(geo[0]?.medLocation).toEqual({ format: 'coordinates', latitude: '48.58666N', longitude: '2.2013E' });
  });

  it.each([
    ['garbled JSON', '{"lldp": [', /not JSON/],
    ['plain json instead of json0', '{"lldp":{"interface":{}}}', /json0/],
    ['a JSON array', '[]', /json0/],
  ])('refuses %s with a clear error', (_title, input, message) => {
    expect(() => parseLldpNeighbors(input)).toThrowError(LldpParseError);
    expect(() => parseLldpNeighbors(input)).toThrowError(message);
  });

  it('refuses oversize output before parsing it', () => {
    const huge = JSON.stringify({ lldp: [{ interface: [{ name: 'x'.repeat(300_000) }] }] });
    expect(() => parseLldpNeighbors(huge)).toThrowError(/larger than/);
  });
});

describe('parseAge', () => {
  it.each([
    ['0 day, 00:00:01', 1],
    ['1 day, 01:02:03', 90123],
    ['12 days, 00:00:00', 1036800],
    ['soon', Number.POSITIVE_INFINITY],
    [undefined, Number.POSITIVE_INFINITY],
  ])('reads %j as %d seconds', (age, want) => {
    expect(parseAge(age)).toBe(want);
  });
});

describe('toEvidence', () => {
  it('drops the agent-only interface and age', () => {
    const [n] = parseLldpNeighbors(sample('lldpcli-json0-one-neighbor.json'));
    expect(Object.keys(toEvidence(n!))).toEqual(['chassisId', 'portId', 'sysName', 'portDescription', 'medLocation']);
  });
});

describe('readLldpNeighbors', () => {
  it('asks lldpcli for json0 details on the given socket', async () => {
    const calls: string[][] = [];
    const run: Runner = async (cmd, args) => {
      calls.push([cmd, ...args]);
      return { ok: true, stdout: sample('lldpcli-json0-one-neighbor.json') };
    };
    const r = await readLldpNeighbors(run, '/run/x.sock');
    expect(calls).toEqual([['lldpcli', '-u', '/run/x.sock', '-f', 'json0', 'show', 'neighbors', 'details']]);
    expect('neighbors' in r && r.neighbors).toHaveLength(1);
  });
  it('turns a failing or garbled lldpcli into an error value, never a throw', async () => {
    expect(await readLldpNeighbors(async () => ({ ok: false, reason: 'lldpcli is not installed' }))).toEqual({
      error: 'lldpcli is not installed',
    });
    const garbled = await readLldpNeighbors(async () => ({ ok: true, stdout: '\u0000\u0001' }));
    expect(garbled).toMatchObject({ error: expect.stringMatching(/not JSON/) });
  });
});
