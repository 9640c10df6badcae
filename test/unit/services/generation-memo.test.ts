import { describe, expect, it } from 'vitest';
import { createGenerationMemo, memoizeReads } from '../../../server/services/generation-memo.ts';

function countingRepo() {
  const calls: string[] = [];
  const rows = new Map([['a', { id: 'a', v: 1 }]]);
  return {
    calls,
    rows,
    repo: {
      get(id: string) {
        calls.push(`get ${id}`);
        return rows.get(id);
      },
      list(filter: { site: string }, page: { limit: number }) {
        calls.push(`list ${filter.site} ${page.limit}`);
        return [...rows.values()];
      },
      put(id: string, v: number) {
        calls.push(`put ${id}`);
        rows.set(id, { id, v });
      },
    },
  };
}

describe('memoizeReads', () => {
  it('reads each row once while the generation stays, per distinct arguments', () => {
    const { repo, calls } = countingRepo();
    const view = memoizeReads(repo, ['get', 'list'], () => 7);
    expect(view.get('a')).toEqual({ id: 'a', v: 1 });
    expect(view.get('a')).toEqual({ id: 'a', v: 1 });
    expect(view.get('missing')).toBeUndefined();
    expect(view.get('missing')).toBeUndefined();
    view.list({ site: 's1' }, { limit: 10 });
    view.list({ site: 's1' }, { limit: 10 });
    view.list({ site: 's2' }, { limit: 10 });
    expect(calls).toEqual(['get a', 'get missing', 'list s1 10', 'list s2 10']);
  });

  it('reads again after the generation moves, so a write is seen at once', () => {
    const { repo, calls } = countingRepo();
    let generation = 1;
    const view = memoizeReads(repo, ['get'], () => generation);
    expect(view.get('a')?.v).toBe(1);
    view.put('a', 2);
    // The view does not know of the write; the store's generation does.
    expect(view.get('a')?.v).toBe(1);
    generation += 1;
    expect(view.get('a')?.v).toBe(2);
    expect(calls).toEqual(['get a', 'put a', 'get a']);
  });

  it('keeps each method\'s answers apart, for the same argument and for an argument spelling another\'s key', () => {
    const repo = {
      byId: (id: string) => `id:${id}`,
      byName: (name: string) => `name:${name}`,
      byNumber: (n: number) => `number:${n}`,
    };
    const view = memoizeReads(repo, ['byId', 'byName', 'byNumber'], () => 1);
    expect(view.byId('x')).toBe('id:x');
    expect(view.byName('x')).toBe('name:x');
    expect(view.byNumber(1)).toBe('number:1');
    expect(view.byNumber(1)).toBe('number:1');
  });

  it('passes other methods through untouched and stays bounded', () => {
    const { repo, calls } = countingRepo();
    const view = memoizeReads(repo, ['get'], () => 1, 3);
    view.put('b', 1);
    view.put('b', 1);
    for (const id of ['a', 'b', 'c', 'd', 'a']) view.get(id);
    // Full at 3 entries: the cache was emptied once, so 'a' is read a second time.
    expect(calls).toEqual(['put b', 'put b', 'get a', 'get b', 'get c', 'get d', 'get a']);
  });
});

describe('createGenerationMemo', () => {
  it('computes a key once per generation and again after it moves', () => {
    let generation = 1;
    let made = 0;
    const memo = createGenerationMemo<number>(() => generation);
    const make = () => ++made;
    expect(memo.get('k', make)).toBe(1);
    expect(memo.get('k', make)).toBe(1);
    generation = 2;
    expect(memo.get('k', make)).toBe(2);
    expect(made).toBe(2);
  });
});
