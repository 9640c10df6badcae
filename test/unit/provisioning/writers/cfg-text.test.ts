import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../../server/errors.ts';
import { AASTRA_CFG, YEALINK_CFG, writeCfg } from '../../../../server/provisioning/writers/cfg-text.ts';

function refusal(fn: () => unknown): { code: string; field?: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isAppError(err)) return { code: err.code, message: err.message, ...(err.field !== undefined ? { field: err.field } : {}) };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('cfg writer', () => {
  it('writes Yealink key = value lines after the mandatory version header', () => {
    expect(writeCfg([['account.1.label', 'Alice'], ['a.b', '']], YEALINK_CFG)).toBe(
      '#!version:1.0.0.1\naccount.1.label = Alice\na.b = \n',
    );
  });

  it('writes Aastra key: value lines with an optional comment', () => {
    expect(writeCfg([['sip line1 auth name', '1001']], AASTRA_CFG, 'hello')).toBe('# hello\nsip line1 auth name: 1001\n');
  });

  it.each(['\r', '\n', '\u0000', '\u001b', '\ud800'])('refuses a value holding %j and names the key, not the value', (bad) => {
    const err = refusal(() => writeCfg([['account.1.display_name', `Al${bad}secretish`]], YEALINK_CFG));
    expect(err.code).toBe('RULE_VIOLATION');
    expect(err.field).toBe('account.1.display_name');
    expect(err.message).not.toContain('secretish');
  });

  it('refuses keys with control characters, the separator, a comment sign or edge spaces', () => {
    for (const key of ['a\nb', 'a=b', '#a', ' a', '']) {
      expect(refusal(() => writeCfg([[key, 'v']], YEALINK_CFG)).code).toBe('RULE_VIOLATION');
    }
    expect(refusal(() => writeCfg([['time: zone', 'v']], AASTRA_CFG)).code).toBe('RULE_VIOLATION');
  });

  it('keeps #, = and : inside Yealink values but refuses # in Aastra values, where it starts a comment', () => {
    expect(writeCfg([['k', 'a#b=c:d']], YEALINK_CFG)).toContain('k = a#b=c:d\n');
    expect(refusal(() => writeCfg([['k', 'a#b']], AASTRA_CFG)).code).toBe('RULE_VIOLATION');
    expect(writeCfg([['k', 'http://x/?a=b:c']], AASTRA_CFG)).toBe('k: http://x/?a=b:c\n');
  });
});
