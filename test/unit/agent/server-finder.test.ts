import type { Answer } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { absorbRecords, missingQuestions, serverUrlOf, SERVICE_TYPE } from '../../../agent/server-finder.ts';

const INSTANCE = `deskprov on pbx1.${SERVICE_TYPE}`;
const ptr: Answer = { name: SERVICE_TYPE, type: 'PTR', data: INSTANCE };
const srv: Answer = { name: INSTANCE, type: 'SRV', data: { target: 'pbx1.local', port: 8080 } };
const txt: Answer = { name: INSTANCE, type: 'TXT', data: [Buffer.from('path=/'), Buffer.from('proto=http')] };
const a: Answer = { name: 'pbx1.local', type: 'A', data: '192.0.2.10' };

describe('mDNS browse for the server', () => {
  it('asks for the PTR first', () => {
    expect(missingQuestions({})).toEqual([{ name: SERVICE_TYPE, type: 'PTR' }]);
  });

  it('asks for SRV and TXT when a reply has only the PTR, then for the A record', () => {
    const s1 = absorbRecords({}, [ptr]);
    expect(missingQuestions(s1)).toEqual([{ name: INSTANCE, type: 'SRV' }, { name: INSTANCE, type: 'TXT' }]);
    const s2 = absorbRecords(s1, [srv, txt]);
    expect(missingQuestions(s2)).toEqual([{ name: 'pbx1.local', type: 'A' }]);
    expect(serverUrlOf(s2)).toBeNull();
    const s3 = absorbRecords(s2, [a]);
    expect(missingQuestions(s3)).toEqual([]);
    expect(serverUrlOf(s3)).toBe('http://192.0.2.10:8080/');
  });

  it('builds the URL from one complete reply with additionals', () => {
    const aaaa: Answer = { name: 'pbx1.local', type: 'AAAA', data: '2001:db8::10' };
    expect(serverUrlOf(absorbRecords({}, [ptr, srv, aaaa, txt]))).toBe('http://[2001:db8::10]:8080/');
    expect(serverUrlOf(absorbRecords({}, [ptr, srv, aaaa, a, txt]))).toBe('http://192.0.2.10:8080/');
  });

  it('prefers a url= TXT key and honours proto=https', () => {
    const withUrl: Answer = { name: INSTANCE, type: 'TXT', data: [Buffer.from('url=https://prov.example:8443')] };
    expect(serverUrlOf(absorbRecords({}, [ptr, withUrl]))).toBe('https://prov.example:8443');
    const https: Answer = { name: INSTANCE, type: 'TXT', data: 'proto=https' };
    expect(serverUrlOf(absorbRecords({}, [ptr, srv, https, a]))).toBe('https://192.0.2.10:8080');
  });

  it('ignores records of other services', () => {
    const other: Answer = { name: '_http._tcp.local', type: 'PTR', data: 'printer._http._tcp.local' };
    expect(absorbRecords({}, [other, srv, a])).toEqual({});
  });
});
