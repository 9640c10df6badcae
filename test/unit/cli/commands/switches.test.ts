import { describe, expect, it } from 'vitest';
import { snmpCredentials } from '../../../../server/cli/commands/switches.ts';

describe('switch credentials on the command line', () => {
  it('takes a v2c community from the option, else from the environment', () => {
    expect(snmpCredentials({ community: 'ro' }, {})).toEqual({ version: '2c', community: 'ro' });
    expect(snmpCredentials({}, { DESKPROV_SNMP_COMMUNITY: 'from-env' })).toEqual({ version: '2c', community: 'from-env' });
  });

  it('builds a v3 user with keys from the environment and protocols from options', () => {
    expect(snmpCredentials({ v3User: 'poller', privProtocol: 'aes256b' }, { DESKPROV_SNMP_AUTH_KEY: 'authpass1', DESKPROV_SNMP_PRIV_KEY: 'privpass1' })).toEqual({
      version: '3', user: 'poller', authKey: 'authpass1', privKey: 'privpass1', privProtocol: 'aes256b',
    });
  });

  it('refuses a switch with neither a community nor a v3 user', () => {
    expect(() => snmpCredentials({}, {})).toThrow(/--community/);
  });
});
