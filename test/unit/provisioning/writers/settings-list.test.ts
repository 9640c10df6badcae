import { describe, expect, it } from 'vitest';
import { SettingsList } from '../../../../server/provisioning/writers/settings-list.ts';

describe('settings list', () => {
  it('replaces a value in place when a key is set twice', () => {
    expect(new SettingsList().set('a', 1).set('b', 2).set('a', 3).entries()).toEqual([['a', '3'], ['b', '2']]);
  });

  it('moves an overridden key to the end, so raw keys are written last', () => {
    const list = new SettingsList().set('a', 1).set('b', 2).overrideAll({ a: 'raw', c: 'new' });
    expect(list.entries()).toEqual([['b', '2'], ['a', 'raw'], ['c', 'new']]);
  });

  it('skips optional settings that are undefined', () => {
    expect(new SettingsList().setIf('a', undefined).setIf('b', 'x').entries()).toEqual([['b', 'x']]);
  });
});
