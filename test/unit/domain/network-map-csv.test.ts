import { describe, expect, it } from 'vitest';
import { parseNetworkMapCsv } from '../../../server/domain/network-map-csv.ts';

describe('parseNetworkMapCsv', () => {
  it('reads rows by header name with their line numbers, quotes and CRLF included', () => {
    const csv = '\ufeffkind,locationId,chassisId,portId,cidr\r\nswitchPort,l1,00:00:5e:00:53:01,"Gi1/0/1"\r\nsubnet,l2,,,10.1.0.0/16\r\n\r\nswitch,l3,"sw, core",,\r\n';
    expect(parseNetworkMapCsv(csv)).toEqual([
      { line: 2, kind: 'switchPort', locationId: 'l1', chassisId: '00:00:5e:00:53:01', portId: 'Gi1/0/1' },
      { line: 3, kind: 'subnet', locationId: 'l2', cidr: '10.1.0.0/16' },
      { line: 5, kind: 'switch', locationId: 'l3', chassisId: 'sw, core' },
    ]);
  });

  it.each([
    ['an unknown column', 'kind,locationId,room\nbssid,l1,4\n', /room/],
    ['an unknown kind', 'kind,locationId\nrouter,l1\n', /line 2/],
    ['a row with too many cells', 'kind,locationId\nbssid,l1,x\n', /not valid CSV/],
    ['an empty file', '', /no header/],
  ])('refuses %s naming the csv field', (_t, csv, message) => {
    expect(() => parseNetworkMapCsv(csv)).toThrowError(message);
  });
});
