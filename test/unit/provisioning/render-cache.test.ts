import { describe, expect, it } from 'vitest';
import { RenderCache } from '../../../server/provisioning/render-cache.ts';

const file = (text: string) => ({ body: Buffer.from(text), contentType: 'text/plain', etag: `"${text}"` });

describe('render cache', () => {
  it('returns a file only for the revision it was stored under and counts hits and misses', () => {
    const cache = new RenderCache();
    cache.set('d1', 'a.cfg', 'r1', file('one'));
    expect(cache.get('d1', 'a.cfg', 'r1')?.body.toString()).toBe('one');
    expect(cache.get('d1', 'a.cfg', 'r2')).toBeUndefined();
    expect(cache.get('d2', 'a.cfg', 'r1')).toBeUndefined();
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });

  it('replaces the old revision of a device file at once', () => {
    const cache = new RenderCache();
    cache.set('d1', 'a.cfg', 'r1', file('one'));
    cache.set('d1', 'a.cfg', 'r2', file('two!'));
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(4);
    expect(cache.get('d1', 'a.cfg', 'r1')).toBeUndefined();
  });

  it('evicts the least recently used entries past the entry and byte limits', () => {
    const cache = new RenderCache({ maxEntries: 2, maxBytes: 10 });
    cache.set('d1', 'f', 'r', file('aaa'));
    cache.set('d2', 'f', 'r', file('bbb'));
    cache.get('d1', 'f', 'r');
    cache.set('d3', 'f', 'r', file('ccc'));
    expect(cache.get('d2', 'f', 'r')).toBeUndefined();
    expect(cache.get('d1', 'f', 'r')).toBeDefined();
    cache.set('d4', 'f', 'r', file('dddddddd'));
    expect(cache.bytes).toBeLessThanOrEqual(10);
    cache.set('d5', 'f', 'r', file('x'.repeat(11)));
    expect(cache.get('d5', 'f', 'r')).toBeUndefined();
  });

  it('keeps an entry read at least once per half its size of operations while new ones stream through', () => {
    const cache = new RenderCache({ maxEntries: 100, maxBytes: 1_000_000 });
    cache.set('hot', 'f', 'r', file('h'));
    for (let i = 0; i < 1_000; i++) {
      cache.set(`d${i}`, 'f', 'r', file('x'));
      if (i % 40 === 0) expect(cache.get('hot', 'f', 'r')).toBeDefined();
    }
    expect(cache.get('hot', 'f', 'r')).toBeDefined();
    expect(cache.get('d0', 'f', 'r')).toBeUndefined();
    expect(cache.get('d999', 'f', 'r')).toBeDefined();
    expect(cache.size).toBe(100);
  });

  it('forgets every file of one device', () => {
    const cache = new RenderCache();
    cache.set('d1', 'a', 'r', file('1'));
    cache.set('d1', 'b', 'r', file('2'));
    cache.set('d10', 'a', 'r', file('3'));
    cache.forgetDevice('d1');
    expect(cache.size).toBe(1);
    expect(cache.get('d10', 'a', 'r')).toBeDefined();
  });
});
