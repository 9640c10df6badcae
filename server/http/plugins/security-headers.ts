import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet from 'helmet';

/**
 * helmet's standard security headers on every response (CSP, HSTS, nosniff, frame and referrer
 * policies, …). The middleware is built once: @fastify/helmet builds it anew for every request,
 * which cost 5–6 % of a boot storm's CPU (docs/PERFORMANCE.md). Routes that need another policy
 * set their header after this hook (the web console's CSP, ui-plugin.ts).
 */
export const securityHeaders = fp(
  async (app) => {
    const apply: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void = helmet();
    app.addHook('onRequest', (request, reply, done) => {
      apply(request.raw, reply.raw, (err) => done(err instanceof Error ? err : undefined));
    });
  },
  { name: 'deskprov-security-headers' },
);
