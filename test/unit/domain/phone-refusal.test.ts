import { describe, expect, it } from 'vitest';
import { refusalWords } from '../../../server/domain/phone-refusal.ts';

describe('refusal words', () => {
  it.each([
    ['source outside the device site networks', /outside its site's allowed networks/],
    ['wrong credentials', /bad credentials/],
    ['credentials of another device', /credentials of another device/],
    ['claim window closed', /claim window has closed/],
    ['file is not one the device model asks for', /unknown model for this device/],
    ['User-Agent of another vendor', /unknown model for this device/],
    ['device discovered', /device is discovered, not provisioned/],
    ['render error: x', /^render error: x$/],
  ])('says why for %s', (reason, words) => {
    expect(refusalWords(reason)).toMatch(words);
  });

  it('has no words for the normal parts of a fetch', () => {
    for (const reason of [undefined, 'no credentials', 'credentials required', 'stale nonce']) expect(refusalWords(reason)).toBeNull();
  });
});
