import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { civicOf, parseCivicAddress } from '../../../server/domain/civic-address.ts';
import { devicePidf, locationPidf, methodFor, PIDF_NS } from '../../../server/domain/pidf-lo.ts';

const civic = civicOf(
  parseCivicAddress({ country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker', STS: 'Dr', HNO: '233', PC: '60606' }),
  { FLR: '41', ROOM: '4102', LOC: 'Desk <2> & "window"' },
);
const at = new Date('2026-01-01T12:00:00.000Z');

/** Re-parses with a real XML parser and walks the namespaced elements. */
function parse(xml: string) {
  const doc = create(xml);
  const root = doc.root().node as unknown as Element;
  return root;
}

function children(el: Element, ns: string, local: string): Element[] {
  return Array.from(el.childNodes).filter(
    (n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local,
  );
}

function only(el: Element, ns: string, local: string): Element {
  const found = children(el, ns, local);
  expect(found, `${local} under ${el.localName}`).toHaveLength(1);
  return found[0]!;
}

function civicOfDoc(geopriv: Element): Record<string, string> {
  const address = only(only(geopriv, PIDF_NS.gp, 'location-info'), PIDF_NS.ca, 'civicAddress');
  const out: Record<string, string> = {};
  for (const n of Array.from(address.childNodes)) {
    if (n.nodeType === 1) {
      expect((n as Element).namespaceURI).toBe(PIDF_NS.ca);
      out[(n as Element).localName] = n.textContent ?? '';
    }
  }
  return out;
}

describe('locationPidf', () => {
  const xml = locationPidf({ id: 'loc 1', civic }, { at });
  const root = parse(xml);

  it('is a PIDF presence document with an entity URI', () => {
    expect(root.namespaceURI).toBe(PIDF_NS.pidf);
    expect(root.localName).toBe('presence');
    expect(root.getAttribute('entity')).toBe('pres:location-loc_1@deskprov.invalid');
  });

  it('carries every civic field, escaped text intact, in RFC 5139 order', () => {
    const geopriv = only(only(only(root, PIDF_NS.pidf, 'tuple'), PIDF_NS.pidf, 'status'), PIDF_NS.gp, 'geopriv');
    const got = civicOfDoc(geopriv);
    expect(got).toEqual(civic);
    expect(Object.keys(got)).toEqual(Object.keys(civic));
  });

  it('states usage rules and the method (RFC 4119 §2.2)', () => {
    const geopriv = only(only(only(root, PIDF_NS.pidf, 'tuple'), PIDF_NS.pidf, 'status'), PIDF_NS.gp, 'geopriv');
    const rules = only(geopriv, PIDF_NS.gp, 'usage-rules');
    expect(only(rules, PIDF_NS.gbp, 'retransmission-allowed').textContent).toBe('false');
    expect(only(rules, PIDF_NS.gbp, 'retention-expiry').textContent).toBe('2026-01-02T12:00:00.000Z');
    expect(only(geopriv, PIDF_NS.gp, 'method').textContent).toBe('Manual');
  });
});

describe('devicePidf', () => {
  const xml = devicePidf('00:15:65:AA:BB:CC', { id: 'l1', civic }, { at, method: methodFor('switchPort') });
  const root = parse(xml);

  it('puts the location in a dm:device with a mac device id (RFC 5491 §3.4)', () => {
    const device = only(root, PIDF_NS.dm, 'device');
    expect(only(device, PIDF_NS.dm, 'deviceID').textContent).toBe('mac:001565aabbcc');
    expect(only(device, PIDF_NS.dm, 'timestamp').textContent).toBe(at.toISOString());
    const geopriv = only(device, PIDF_NS.gp, 'geopriv');
    expect(civicOfDoc(geopriv)).toEqual(civic);
    expect(only(geopriv, PIDF_NS.gp, 'method').textContent).toBe('Wiremap');
  });
});

describe('methodFor', () => {
  it.each([
    ['bssid', '802.11'],
    ['subnet', 'Wiremap'],
    ['assigned', 'Manual'],
    [null, 'Manual'],
  ] as const)('names %s evidence %s', (matchedBy, want) => {
    expect(methodFor(matchedBy)).toBe(want);
  });
});
