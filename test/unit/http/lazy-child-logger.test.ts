import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { lazyChildLogger } from '../../../server/http/lazy-child-logger.ts';
import { createLogger } from '../../../server/logger.ts';
import { captureLog } from '../../helpers/log-capture.ts';

describe('lazyChildLogger', () => {
  it('makes no child until a line is written, then writes through a child with the bindings', () => {
    const { records, destination } = captureLog();
    const parent = createLogger({ level: 'info', destination });
    const child = vi.spyOn(parent, 'child');
    const lazy = lazyChildLogger(parent, { reqId: 'req-7' }, {});
    expect(child).not.toHaveBeenCalled();
    lazy.info({ a: 1 }, 'first');
    lazy.warn('second');
    lazy.debug('not at this level');
    expect(child).toHaveBeenCalledTimes(1);
    expect(records()).toMatchObject([
      { reqId: 'req-7', a: 1, msg: 'first', level: 30 },
      { reqId: 'req-7', msg: 'second', level: 40 },
    ]);
    expect(lazy.level).toBe('info');
  });

  it('keeps the route level and the wildcard censoring of its parent', () => {
    const { records, destination } = captureLog();
    const lazy = lazyChildLogger(createLogger({ level: 'info', destination }), { reqId: 'req-8' }, { level: 'warn' });
    lazy.info('below the route level');
    lazy.error({ body: { secret: 'nested-secret' } }, 'failed');
    expect(records()).toHaveLength(1);
    expect(JSON.stringify(records()[0])).not.toContain('nested-secret');
    expect(lazy.child({ step: 2 }).level).toBe('warn');
  });

  it('gives a route error the request id in fastify', async () => {
    const { records, destination } = captureLog();
    const logger: FastifyBaseLogger = createLogger({ level: 'info', destination });
    const app = Fastify({ loggerInstance: logger });
    app.get('/boom', { childLoggerFactory: lazyChildLogger }, async () => {
      throw new Error('exploded');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    await app.close();
    expect(res.statusCode).toBe(500);
    const failed = records().find((line) => line.level === 50);
    expect(failed).toMatchObject({ reqId: expect.any(String), err: { message: 'exploded' } });
  });
});
