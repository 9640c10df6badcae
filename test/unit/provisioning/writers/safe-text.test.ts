import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../../server/errors.ts';
import { assertSafeText, hasForbiddenChar } from '../../../../server/provisioning/writers/safe-text.ts';

describe('forbidden characters', () => {
  it('flags control characters and unpaired surrogates but not paired ones or markup', () => {
    for (const bad of ['\r', '\n', '\u0000', '\u007f', '\ud800', 'a\udc00', '\uffff']) expect(hasForbiddenChar(bad)).toBe(true);
    for (const ok of ['😀', 'é', '<>&"\']]>', '#=:;', ' ']) expect(hasForbiddenChar(ok)).toBe(false);
  });

  it('names the key in a one-line message and never echoes the value', () => {
    try {
      assertSafeText('hunter2\n', 'bad\nkey', 'value');
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err) && err.code).toBe('RULE_VIOLATION');
      expect((err as Error).message).not.toContain('hunter2');
      expect((err as Error).message).not.toContain('\n');
      expect((err as Error).message).toContain('bad?key');
    }
  });
});
