import snmp from 'net-snmp';
import { describe, expect, it } from 'vitest';
import type { SwitchRecord } from '../../../server/domain/switch-inventory.ts';
import { classifySnmpError } from '../../../server/location/snmp-walker.ts';

const v2: SwitchRecord = { id: 's', siteId: null, name: 'sw', host: '10.0.0.2', port: 161, snmp: { version: '2c', community: 'sekret-community' }, uplinkPorts: [], chassisId: null, createdAt: '', updatedAt: '' };
const v3: SwitchRecord = { ...v2, snmp: { version: '3', user: 'poller', authProtocol: 'sha', authKey: 'sekret-auth' } };

describe('naming SNMP failures', () => {
  it('calls an unanswered request a timeout, hinting at the community for v2c only', () => {
    const timeout = Object.assign(new Error('Request timed out'), { name: 'RequestTimedOutError' });
    expect(classifySnmpError(timeout, v2)).toMatchObject({ code: 'SWITCH_TIMEOUT', message: expect.stringContaining('community') });
    expect(classifySnmpError(timeout, v3).message).not.toContain('community');
  });

  it('calls USM reports and decryption failures an authentication failure', () => {
    for (const code of [snmp.ResponseInvalidCode.EAuthFailure, snmp.ResponseInvalidCode.EUnexpectedReport, snmp.ResponseInvalidCode.ECouldNotDecrypt]) {
      expect(classifySnmpError(new snmp.ResponseInvalidError('report', code), v3).code).toBe('SWITCH_AUTH_FAILED');
    }
    expect(classifySnmpError(new snmp.ResponseInvalidError('bad', snmp.ResponseInvalidCode.EUnknownPduType), v3).code).toBe('SWITCH_BAD_RESPONSE');
  });

  it('names socket errors unreachable and anything else a bad response', () => {
    expect(classifySnmpError(Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }), v2)).toMatchObject({ code: 'SWITCH_UNREACHABLE', message: expect.stringContaining('EHOSTUNREACH') });
    expect(classifySnmpError(new snmp.RequestFailedError('genErr', snmp.ErrorStatus.GeneralError), v2).code).toBe('SWITCH_BAD_RESPONSE');
    expect(classifySnmpError('what', v2).code).toBe('SWITCH_BAD_RESPONSE');
  });

  it('never repeats what net-snmp said, which can quote the community', () => {
    const leaky = new snmp.ResponseInvalidError('Community "sekret-community" does not match', snmp.ResponseInvalidCode.ECommunityNoMatch);
    for (const err of [leaky, Object.assign(new Error('sekret-auth'), { name: 'RequestTimedOutError' })]) {
      const named = classifySnmpError(err, v3);
      expect(named.message).not.toMatch(/sekret/);
    }
  });
});
