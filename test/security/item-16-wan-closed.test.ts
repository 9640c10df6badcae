import { describe, expect, it } from 'vitest';
import { parseConfig, systemFacts } from '../../server/config.ts';
import { networkGuard } from '../../server/domain/site-network-guard.ts';

/**
 * E911-SECURITY §2.5 item 16: TFTP or HTTP provisioning reachable from the WAN → closed.
 * Out of the box every listener binds loopback only; an operator opens them to the LAN by flag,
 * and then only sources inside a site's networks get anything (item 2).
 */

describe('item 16: closed to the WAN by default', () => {
  it('binds HTTP and TFTP to loopback and leaves HTTPS off unless told otherwise', () => {
    const result = parseConfig({}, {}, systemFacts());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.http.host).toBe('127.0.0.1');
    expect(result.config.tftp?.host).toBe('127.0.0.1');
    expect(result.config.https).toBeNull();
  });

  it('refuses a public source once sites declare their networks', () => {
    const guard = networkGuard(['10.1.0.0/16', '2001:db8::/48']);
    expect(guard.allows('203.0.113.7')).toBe(false);
    expect(guard.allows('::ffff:203.0.113.7')).toBe(false);
    expect(guard.allows('2001:db9::1')).toBe(false);
    expect(guard.allows('not an address')).toBe(false);
    expect(guard.allows('::ffff:10.1.2.3')).toBe(true);
  });
});
