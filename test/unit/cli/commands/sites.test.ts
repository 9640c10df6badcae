import { describe, expect, it } from 'vitest';
import { parseRange, parseRegistrar } from '../../../../server/cli/commands/sites.ts';
import { UsageError } from '../../../../server/cli/context.ts';

describe('sites add option parsing', () => {
  it('reads an extension range and a registrar with optional port and transport', () => {
    expect(parseRange('1000-1999')).toEqual({ first: 1000, last: 1999 });
    expect(parseRegistrar('pbx.example.com')).toEqual({ host: 'pbx.example.com' });
    expect(parseRegistrar('10.0.0.5:5061', 'tls')).toEqual({ host: '10.0.0.5', port: 5061, transport: 'tls' });
    expect(parseRegistrar('[2001:db8::1]:5060')).toEqual({ host: '2001:db8::1', port: 5060 });
  });

  it('refuses malformed ranges and registrars as usage errors', () => {
    expect(() => parseRange('1000')).toThrow(UsageError);
    expect(() => parseRegistrar('a:b:c')).toThrow(UsageError);
  });
});
