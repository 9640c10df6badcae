import { describe, expect, it } from 'vitest';
import { isSealed, memorySecretBox, sealedKeyId } from '../../../server/store/secret-box.ts';

describe('secret box', () => {
  it('seals to a tagged value that opens to the same text', () => {
    const box = memorySecretBox();
    const sealed = box.seal('s3cret-Value-0123456789');
    expect(sealed).toMatch(/^enc1:[0-9a-f]{8}:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('s3cret');
    expect(sealedKeyId(sealed)).toBe(box.currentKeyId());
    expect(box.open(sealed)).toBe('s3cret-Value-0123456789');
  });

  it('seals the same text differently each time (random IV)', () => {
    const box = memorySecretBox();
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a sealed value whose bytes were changed (GCM tag)', () => {
    const box = memorySecretBox();
    const sealed = box.seal('do not touch');
    const body = Buffer.from(sealed.split(':')[2] as string, 'base64');
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 1;
    const tampered = `${sealed.split(':').slice(0, 2).join(':')}:${body.toString('base64')}`;
    expect(() => box.open(tampered)).toThrow();
  });

  it("refuses another box's value and passes legacy plaintext through", () => {
    const a = memorySecretBox();
    const b = memorySecretBox();
    expect(() => b.open(a.seal('x'))).toThrow(/key file does not hold/);
    expect(isSealed('plain-old-secret')).toBe(false);
    expect(a.open('plain-old-secret')).toBe('plain-old-secret');
  });

  it('derives one key per label from the current key, the same each time it is asked', () => {
    const a = memorySecretBox();
    const b = memorySecretBox();
    expect(a.derive('digest-nonce').equals(a.derive('digest-nonce'))).toBe(true);
    expect(a.derive('digest-nonce')).toHaveLength(32);
    expect(a.derive('digest-nonce').equals(a.derive('other'))).toBe(false);
    expect(a.derive('digest-nonce').equals(b.derive('digest-nonce'))).toBe(false);
  });
});
