import { describe, expect, it } from 'vitest';
import { applySwitchPatch, switchView, validateCredentials, validateSwitchInput, type SwitchRecord } from '../../../server/domain/switch-inventory.ts';

const v2 = { name: 'Floor 2', host: '10.0.0.2', snmp: { version: '2c', community: 'public-ro' } };

describe('switch inventory input', () => {
  it('normalises a v2c switch with default port', () => {
    expect(validateSwitchInput(v2)).toEqual({ name: 'Floor 2', siteId: null, host: '10.0.0.2', port: 161, snmp: { version: '2c', community: 'public-ro' }, uplinkPorts: [], chassisId: null });
  });

  it('accepts v3 with auth and priv, defaulting protocols to SHA and AES', () => {
    expect(validateCredentials({ version: '3', user: 'poller', authKey: 'authpass1', privKey: 'privpass1' })).toEqual({
      version: '3', user: 'poller', authProtocol: 'sha', authKey: 'authpass1', privProtocol: 'aes', privKey: 'privpass1',
    });
  });

  it('refuses short USM keys, privacy without auth, bad hosts and ports', () => {
    expect(() => validateCredentials({ version: '3', user: 'u', authKey: 'short' })).toThrow(/snmp.authKey/);
    expect(() => validateCredentials({ version: '3', user: 'u', privKey: 'privpass1' })).toThrow(/privacy needs authentication/);
    expect(() => validateCredentials({ version: '1', community: 'x' })).toThrow(/snmp.version/);
    expect(() => validateSwitchInput({ ...v2, host: 'bad host!' })).toThrow(/host/);
    expect(() => validateSwitchInput({ ...v2, port: 70000 })).toThrow(/port/);
  });

  it('never shows a community or key in the view', () => {
    const record: SwitchRecord = { id: 's1', createdAt: 't', updatedAt: 't', ...validateSwitchInput({ ...v2, snmp: { version: '3', user: 'poller', authKey: 'authpass1', privKey: 'privpass1' } }) };
    const text = JSON.stringify(switchView(record));
    expect(text).not.toContain('authpass1');
    expect(text).not.toContain('privpass1');
    expect(switchView(record).snmp).toEqual({ version: '3', user: 'poller', level: 'authPriv', authProtocol: 'sha', privProtocol: 'aes' });
    expect(JSON.stringify(switchView({ ...record, snmp: { version: '2c', community: 'public-ro' } }))).not.toContain('public-ro');
  });

  it('keeps unpatched fields and the admin-set chassis id', () => {
    const record: SwitchRecord = { id: 's1', createdAt: 't', updatedAt: 't', ...validateSwitchInput({ ...v2, chassisId: 'AA-BB-CC-00-00-01' }) };
    const after = applySwitchPatch(record, { name: 'Floor 3' });
    expect(after.name).toBe('Floor 3');
    expect(after.chassisId).toEqual({ type: 'mac', value: 'aa:bb:cc:00:00:01' });
    expect(after.snmp).toEqual(record.snmp);
  });
});
