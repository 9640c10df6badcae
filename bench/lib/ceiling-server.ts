import http from 'node:http';
import Fastify from 'fastify';
import { destination } from 'pino';
import { createLogger, flatLineLogger } from '../../server/logger.ts';

/**
 * A server with no work of its own, in its own process, for bench/http-ceiling.ts: `GET /<name>`
 * answers the same 3 KB body. `node-http` is Node's HTTP server alone; `fastify` adds the
 * framework deskprov uses; `fastify-logged` adds one phone-like JSON line per request through
 * deskprov's own flat-line logger to a file, as `deskprov serve` writes it. `node-http-digest` is
 * Node's HTTP server holding the Digest exchange the storm's phones go through: a request without
 * `Authorization` gets the 401 challenge, one with it gets the body, and nothing is verified.
 * `node --import tsx bench/lib/ceiling-server.ts <kind> <port> [log file]`
 */

export const CEILING_KINDS = ['node-http', 'fastify', 'fastify-logged', 'node-http-digest'] as const;
export type CeilingKind = (typeof CEILING_KINDS)[number];

const BODY = Buffer.alloc(3_000, 'x');
// The shape deskprov's challenge has (server/domain/digest-auth.ts), with a fixed nonce.
const CHALLENGE = 'Digest realm="deskprov", qop="auth", algorithm=MD5, nonce="ceiling-0000000000000000", opaque="ceiling"';

async function main(kind: CeilingKind, port: number, logFile: string | undefined): Promise<void> {
  if (kind === 'node-http' || kind === 'node-http-digest') {
    const challenges = kind === 'node-http-digest';
    const server = http.createServer((req, res) => {
      if (challenges && req.headers.authorization === undefined) {
        res.writeHead(401, { 'www-authenticate': CHALLENGE, 'content-length': 0 });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
      res.end(BODY);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return;
  }
  const logger = kind === 'fastify-logged' && logFile !== undefined ? createLogger({ level: 'info', destination: destination({ dest: logFile, sync: false }) }) : undefined;
  const app = Fastify(logger === undefined ? {} : { loggerInstance: logger });
  const lines = logger === undefined ? undefined : flatLineLogger(logger);
  app.get<{ Params: { name: string } }>('/:name', { logLevel: logger === undefined ? 'silent' : 'warn' }, async (request, reply) => {
    lines?.info({ reqId: request.id, event: 'deskprov.phone', outcome: 'served', file: request.params.name, ip: request.ip, transport: 'http', status: 200, ua: request.headers['user-agent'], via: 'credentials', sent: 200 }, 'phone file');
    return reply.type('text/plain').send(BODY);
  });
  await app.listen({ port, host: '127.0.0.1' });
}

const [kind, port, logFile] = process.argv.slice(2);
if (kind !== undefined && (CEILING_KINDS as readonly string[]).includes(kind)) {
  await main(kind as CeilingKind, Number(port), logFile);
  process.stderr.write('ceiling server listening\n');
}
