import { describe, expect, it } from 'vitest';
import { MASK, maskSecrets, withholdSecrets } from '../../../server/provisioning/withhold-secrets.ts';
import type { CanonicalSettings } from '../../../server/provisioning/types.ts';

const settings: CanonicalSettings = {
  lines: [{ index: 1, enabled: true, extension: '1001', authUser: '1001', secret: 'sip-secret', displayName: 'A', label: '1001', registrar: 'pbx', port: 5060, transport: 'udp' }],
  time: { ntp: 'pool.ntp.org', timezone: 'UTC' },
  provisioning: { url: 'http://p/', credentials: { username: 'dev-x', password: 'http-secret' } },
  status: { eventUrl: 'http://p/api/v1/events/agent-secret' },
  network: { lldp: true },
  keys: [],
  agentToken: 'agent-secret',
  raw: {},
  language: 'en',
};

describe('withhold and mask secrets', () => {
  it('removes every secret for TFTP without tftpSecrets but keeps the line', () => {
    const out = withholdSecrets(settings);
    expect(out.lines[0]).toMatchObject({ enabled: true, secret: '', authUser: '1001' });
    expect(out.provisioning).toEqual({ url: 'http://p/' });
    expect(out.agentToken).toBeUndefined();
    expect(out.status.eventUrl).toBe('http://p/api/v1/events');
    expect(JSON.stringify(out)).not.toMatch(/secret"?:"[^"]|http-secret|agent-secret|sip-secret/);
  });

  it('masks present secrets for previews and leaves the input untouched', () => {
    const out = maskSecrets(settings);
    expect(out.lines[0]?.secret).toBe(MASK);
    expect(out.provisioning.credentials).toEqual({ username: 'dev-x', password: MASK });
    expect(out.agentToken).toBe(MASK);
    expect(out.status.eventUrl).toBe(`http://p/api/v1/events/${MASK}`);
    expect(settings.lines[0]?.secret).toBe('sip-secret');
    expect(settings.status.eventUrl).toBe('http://p/api/v1/events/agent-secret');
  });

  it('takes the device event key out of the event URL when withholding and masks it in previews', () => {
    const keyed: CanonicalSettings = {
      ...settings,
      status: { eventUrl: 'http://p/api/v1/events/001565aabbccKEYTAGKEYTAGKEYTAGKEYT', key: '001565aabbccKEYTAGKEYTAGKEYTAGKEYT', revision: '4' },
    };
    expect(withholdSecrets(keyed).status).toEqual({ eventUrl: 'http://p/api/v1/events', revision: '4' });
    expect(maskSecrets(keyed).status).toEqual({ eventUrl: `http://p/api/v1/events/${MASK}`, key: MASK, revision: '4' });
    expect(JSON.stringify(withholdSecrets(keyed))).not.toContain('KEYTAG');
  });

  it('leaves an empty secret empty when masking', () => {
    const blank = { ...settings, lines: [{ ...settings.lines[0]!, secret: '' }] };
    const { agentToken: _unused, ...noToken } = blank;
    expect(maskSecrets(noToken).lines[0]?.secret).toBe('');
    expect(maskSecrets(noToken).agentToken).toBeUndefined();
  });
});
