import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';

/** `GET /healthz` (CONTRACT.md "HTTP"): answers while the process serves, without auth. */
const healthPlugin: FastifyPluginAsync = async (app) => {
  app.get(
    '/healthz',
    {
      config: { auth: 'none' },
      schema: { hide: true, response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );
};

export const health = fp(healthPlugin, { fastify: '5.x', name: 'deskprov-health' });
