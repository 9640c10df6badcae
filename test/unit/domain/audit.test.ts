import { describe, expect, it } from 'vitest';
import { MASK, maskSecrets } from '../../../server/domain/audit.ts';

describe('maskSecrets', () => {
  it('masks secret-bearing keys at any depth and keeps everything else', () => {
    const snapshot = {
      number: 200,
      secret: 'S3cret',
      extension: { secret: 'inner', displayName: 'Ana' },
      tokens: [{ hash: 'abc', name: 'ops' }],
      agentTokenHash: null,
    };
    expect(maskSecrets(snapshot)).toEqual({
      number: 200,
      secret: MASK,
      extension: { secret: MASK, displayName: 'Ana' },
      tokens: [{ hash: MASK, name: 'ops' }],
      agentTokenHash: null,
    });
    expect(snapshot.secret).toBe('S3cret');
  });
});
