import { describe, expect, it } from 'vitest';
import { readSettings } from '../../../../server/cli/commands/profiles.ts';
import { UsageError } from '../../../../server/cli/context.ts';

describe('profiles settings option', () => {
  it('takes inline JSON or @file and refuses invalid JSON', () => {
    expect(readSettings('{"language":"de"}')).toEqual({ language: 'de' });
    expect(readSettings('@p.json', (file) => (file === 'p.json' ? '{"a":1}' : ''))).toEqual({ a: 1 });
    expect(() => readSettings('{nope')).toThrow(UsageError);
  });
});
