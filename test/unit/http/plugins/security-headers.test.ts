import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { helmetHeaders } from '../../../../server/http/plugins/security-headers.ts';

describe('helmetHeaders', () => {
  it('are exactly the headers helmet sets on a real response', () => {
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    res.setHeader('X-Powered-By', 'something');
    let nextCalled = false;
    helmet()(req, res, () => {
      nextCalled = true;
    });
    expect(nextCalled).toBe(true);
    expect(Object.fromEntries(helmetHeaders())).toEqual(res.getHeaders());
  });

  it('hold the policies the console and API rely on', () => {
    const headers = new Map(helmetHeaders());
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    expect(headers.has('x-powered-by')).toBe(false);
  });
});
