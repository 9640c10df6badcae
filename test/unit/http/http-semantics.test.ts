import { describe, expect, it } from 'vitest';
import { contentRange, decideRange, notModified, strongEtag } from '../../../server/http/http-semantics.ts';

describe('http semantics', () => {
  it('gives equal bodies equal strong ETags and different bodies different ones', () => {
    const a = strongEtag(Buffer.from('account.1.enable = 1\n'));
    expect(a).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(strongEtag('account.1.enable = 1\n')).toBe(a);
    expect(strongEtag('account.1.enable = 0\n')).not.toBe(a);
  });

  it('answers 304 only when If-None-Match lists the current tag or is a star', () => {
    const tag = strongEtag('x');
    expect(notModified(undefined, tag)).toBe(false);
    expect(notModified(tag, tag)).toBe(true);
    expect(notModified(`"other", W/${tag}`, tag)).toBe(true);
    expect(notModified('*', tag)).toBe(true);
    expect(notModified('"other"', tag)).toBe(false);
  });

  it('serves a single byte range, suffix ranges and open-ended ranges', () => {
    expect(decideRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(decideRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(decideRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(decideRange('bytes=95-500', 100)).toEqual({ kind: 'partial', start: 95, end: 99 });
    expect(contentRange({ kind: 'partial', start: 0, end: 9 }, 100)).toBe('bytes 0-9/100');
  });

  it('answers 416 for ranges past the end and ignores ranges it does not serve', () => {
    expect(decideRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(decideRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(contentRange({ kind: 'unsatisfiable' }, 100)).toBe('bytes */100');
    expect(decideRange(undefined, 100)).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'full' });
    expect(decideRange('items=0-1', 100)).toEqual({ kind: 'full' });
    expect(decideRange('bytes=9-3', 100)).toEqual({ kind: 'full' });
    expect(contentRange({ kind: 'full' }, 100)).toBeUndefined();
  });

  it('serves the whole body when If-Range names another representation', () => {
    const etag = strongEtag('now');
    expect(decideRange('bytes=0-1', 100, { ifRange: etag, etag })).toEqual({ kind: 'partial', start: 0, end: 1 });
    expect(decideRange('bytes=0-1', 100, { ifRange: strongEtag('before'), etag })).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-1', 100, { ifRange: 'Tue, 24 Nov 2026 00:00:00 GMT', etag })).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-1', 100, { ifRange: 'W/"x"', etag: 'W/"x"' })).toEqual({ kind: 'full' });
    expect(decideRange('bytes=0-1', 100, { ifRange: undefined, etag })).toEqual({ kind: 'partial', start: 0, end: 1 });
  });
});
