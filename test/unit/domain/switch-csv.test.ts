import { describe, expect, it } from 'vitest';
import { parseSwitchCsv } from '../../../server/domain/switch-csv.ts';

describe('switch inventory CSV', () => {
  it('reads v2c and v3 rows with uplink lists and line numbers', () => {
    const csv = [
      'name,host,port,version,community,user,authKey,privKey,uplinkPorts',
      'Floor 1,10.0.1.2,,2c,ro-1,,,,Te1/1/1;Te1/1/2',
      '"Floor 2, east",10.0.2.2,1161,3,,poller,authpass1,privpass1,',
    ].join('\r\n');
    expect(parseSwitchCsv(csv)).toEqual([
      { line: 2, name: 'Floor 1', host: '10.0.1.2', snmp: { version: '2c', community: 'ro-1' }, uplinkPorts: ['Te1/1/1', 'Te1/1/2'] },
      { line: 3, name: 'Floor 2, east', host: '10.0.2.2', port: 1161, snmp: { version: '3', user: 'poller', authKey: 'authpass1', privKey: 'privpass1' } },
    ]);
  });

  it('refuses unknown columns and never quotes the file in a parse error', () => {
    expect(() => parseSwitchCsv('name,host,secret\nx,y,z')).toThrow(/column "secret"/);
    try {
      parseSwitchCsv('name,host,community\nx,10.0.0.1,"top-secret-community\nrest');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('top-secret');
    }
  });
});
