import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet from 'helmet';

/**
 * helmet's standard security headers on every response (CSP, HSTS, nosniff, frame and referrer
 * policies, …). With its default options every header is the same on every response, so helmet
 * runs once, at start, against a recording response, and each request only copies the result:
 * running its middleware chain per request cost 3 % of a boot storm's CPU, and @fastify/helmet,
 * which also builds the chain per request, 5–6 % (docs/PERFORMANCE.md). Routes that need another
 * policy set their header after this hook (the web console's CSP, ui-plugin.ts).
 */
export function helmetHeaders(): ReadonlyArray<readonly [string, string | number | readonly string[]]> {
  const headers = new Map<string, string | number | readonly string[]>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  let failure: unknown;
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure !== undefined) throw failure;
  return [...headers];
}

export const securityHeaders = fp(
  async (app) => {
    const headers = helmetHeaders();
    app.addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of headers) reply.raw.setHeader(name, value);
      done();
    });
  },
  { name: 'deskprov-security-headers' },
);
