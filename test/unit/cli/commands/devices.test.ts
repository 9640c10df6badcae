import { describe, expect, it } from 'vitest';
import { bindingBody } from '../../../../server/cli/commands/devices.ts';
import { UsageError } from '../../../../server/cli/context.ts';

describe('devices binding options', () => {
  it('needs exactly one of --user and --standalone', () => {
    expect(bindingBody({ user: 'u1' })).toEqual({ userId: 'u1' });
    expect(bindingBody({ standalone: true, label: 'Lobby' })).toEqual({ standalone: true, label: 'Lobby' });
    expect(() => bindingBody({})).toThrow(/exactly one/);
    expect(() => bindingBody({ user: 'u1', standalone: true })).toThrow(UsageError);
  });
});
