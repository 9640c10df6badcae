import { describe, expect, it } from 'vitest';
import { parseSipStatus } from '../../../agent/sip-status.ts';

describe('parseSipStatus', () => {
  it('keeps registered, registrar and lastError', () => {
    expect(parseSipStatus('{"registered":false,"registrar":"pbx.example","lastError":"403 Forbidden","x":1}')).toEqual({
      registered: false, registrar: 'pbx.example', lastError: '403 Forbidden',
    });
  });
  it.each(['', 'null', '{"registered":"yes"}', '[true]'])('refuses %j', (text) => {
    expect(parseSipStatus(text)).toBeNull();
  });
});
