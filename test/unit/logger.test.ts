import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { captureLog } from '../helpers/log-capture.ts';
import { CENSOR, createLogger, flatLineLogger, maskUrl } from '../../server/logger.ts';

describe('createLogger', () => {
  it('writes JSON lines at the configured level', () => {
    const { lines, destination } = captureLog();
    const logger = createLogger({ level: 'warn', destination });
    logger.info('not written');
    logger.warn({ code: 'X' }, 'written');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 40, code: 'X', msg: 'written' });
  });

  it('censors secrets at the top level and one or two levels down', () => {
    const { lines, destination } = captureLog();
    const logger = createLogger({ level: 'info', destination });
    logger.info({ password: 'pw-top', body: { secret: 'sip-secret-1', token: 'tok-1' }, a: { b: { credentials: 'c-1' } } });
    const line = lines.join('\n');
    for (const secret of ['pw-top', 'sip-secret-1', 'tok-1', 'c-1']) expect(line).not.toContain(secret);
    expect(JSON.parse(lines[0] ?? '').body.secret).toBe(CENSOR);
  });

  it('logs a request carrying a token and a secret body without either secret', async () => {
    const { lines, destination } = captureLog();
    const app = Fastify({ loggerInstance: createLogger({ level: 'info', destination }) });
    app.post('/api/v1/extensions', async (request) => {
      request.log.info({ body: request.body }, 'received');
      return { ok: true };
    });
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/extensions?access_token=query-token-3&page=2',
      headers: {
        authorization: 'Bearer api-token-abcdef123456',
        cookie: 'session=cookie-secret-9',
        'user-agent': 'Yealink SIP-T54W 96.86.0.100 00:15:65:aa:bb:cc',
      },
      payload: { number: '1001', secret: 'sip-password-xyz', nested: { password: 'pw-2' } },
    });
    await app.close();
    expect(response.statusCode).toBe(200);
    const output = lines.join('\n');
    for (const secret of ['api-token-abcdef123456', 'cookie-secret-9', 'sip-password-xyz', 'pw-2', 'query-token-3']) {
      expect(output).not.toContain(secret);
    }
    const incoming = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'incoming request');
    expect(incoming.req.headers.authorization).toBe(CENSOR);
    expect(incoming.req.headers['user-agent']).toContain('SIP-T54W');
    expect(incoming.req.url).toBe(`/api/v1/extensions?access_token=${CENSOR}&page=2`);
  });
});

describe('flatLineLogger', () => {
  it('censors the secret keys of a flat line and keeps the other fields', () => {
    const { lines, destination } = captureLog();
    const logger = flatLineLogger(createLogger({ level: 'info', destination }));
    logger.info({ file: 'a.cfg', password: 'pw-flat', token: 'tok-flat', authorization: 'Digest x', status: 200 }, 'phone file');
    const line = JSON.parse(lines[0] ?? '');
    expect(line).toMatchObject({ file: 'a.cfg', status: 200, password: CENSOR, token: CENSOR, authorization: CENSOR, msg: 'phone file' });
    expect(lines[0]).not.toContain('pw-flat');
  });

  it('leaves the parent logger its wildcard censoring', () => {
    const { lines, destination } = captureLog();
    const parent = createLogger({ level: 'info', destination });
    flatLineLogger(parent);
    parent.info({ body: { secret: 'nested-secret' } });
    expect(lines.join('\n')).not.toContain('nested-secret');
  });
});

describe('maskUrl', () => {
  it('masks the values of secret-looking query keys and keeps the rest', () => {
    expect(maskUrl('/a.cfg')).toBe('/a.cfg');
    expect(maskUrl('/x?token=t&mac=0015&Password=p&flag')).toBe(`/x?token=${CENSOR}&mac=0015&Password=${CENSOR}&flag`);
    expect(maskUrl('/x?%E0%A4%A=1')).toBe('/x?%E0%A4%A=1');
  });
});
