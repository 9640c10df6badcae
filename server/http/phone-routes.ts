import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import { sourceAddressText, unionGuard } from '../domain/site-network-guard.ts';
import type { FirmwareStore } from '../io/firmware-store.ts';
import { appError } from '../errors.ts';
import { flatLineLogger } from '../logger.ts';
import { lazyChildLogger } from './lazy-child-logger.ts';
import { responseTimeOf } from './own-request-line.ts';
import { OUTSIDE_BODY, type PhoneFiles, type PhoneResult, type PhoneTransport } from '../services/phone-files.ts';
import { contentRange, decideRange, notModified } from './http-semantics.ts';
import { peerCertificateFacts } from './tls-client-cert.ts';

/**
 * Phone-facing HTTP: `GET`/`HEAD /<file>` at the root of the public URL (CONTRACT.md "HTTP"),
 * `PUT /<mac>-app.log` & co. for Poly uploads, and `GET /firmware/<vendor>/<file>` with Range.
 * Names are checked by a schema pattern before any lookup; the pipeline does the rest. This
 * module only translates HTTP to the pipeline and back (caching and range semantics, logging).
 */

/** Letters, digits, dot, dash, underscore: every catalogue name, nothing that walks paths. */
export const PHONE_FILE_NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$';
const FIRMWARE_SEGMENT = '^[A-Za-z0-9][A-Za-z0-9._()+,-]{0,127}$';

export interface PhoneRouteDeps {
  phone: PhoneFiles;
  firmware: FirmwareStore;
}

/** The source address as the pipeline keys it: IPv4-mapped IPv6 unwrapped. */
export function sourceOf(request: FastifyRequest): string {
  return sourceAddressText(request.ip);
}

function transportOf(request: FastifyRequest): PhoneTransport {
  return request.protocol === 'https' ? 'https' : 'http';
}

/**
 * One JSON line per phone request, written when the answer is sent (so it has the status on the
 * wire, e.g. 304, and the response time); a ban adds the line fail2ban matches (docs/SECURITY.md).
 * Written through a flat-line logger: the lines hold strings and numbers only.
 */
function log(logger: FastifyBaseLogger, request: FastifyRequest, reply: FastifyReply, result: PhoneResult): void {
  const line = { reqId: request.id, ...result.logEvent, sent: reply.statusCode, responseTime: responseTimeOf(reply) };
  if (result.status === 200 || result.status === 204) logger.info(line, 'phone file');
  else if (result.status === 429) logger.debug(line, 'phone file refused: banned source');
  else logger.info(line, 'phone file refused');
  if (result.ban !== undefined) {
    logger.warn({ reqId: request.id, event: 'deskprov.phone.ban', ip: result.ban.ip, misses: result.ban.misses }, 'phone source banned');
  }
}

/** The pipeline's answer, kept on the request until its log line is written. */
const answers = new WeakMap<FastifyRequest, PhoneResult>();

/** The pipeline's answer to a phone-file request, once it has one (the metrics hook reads its vendor). */
export function phoneResultOf(request: FastifyRequest): PhoneResult | undefined {
  return answers.get(request);
}
/** Route options of every phone route: fastify's request log off, one line of ours instead. */
function phoneRouteOptions(logger: FastifyBaseLogger) {
  return {
    config: { auth: 'none' as const, ownRequestLog: true },
    childLoggerFactory: lazyChildLogger,
    onResponse: async (request: FastifyRequest, reply: FastifyReply) => {
      const result = answers.get(request);
      if (result !== undefined) log(logger, request, reply, result);
      // Refused before the pipeline (a name the schema rejects): still one line, as fastify's was.
      else logger.info({ reqId: request.id, url: request.url.slice(0, 256), sent: reply.statusCode, responseTime: responseTimeOf(reply) }, 'phone request refused');
    },
  };
}

/** Holds a refusal until `floorMs` after `startedAt` so known and unknown devices take as long. */
async function holdRefusal(result: PhoneResult, startedAt: number, floorMs: number): Promise<void> {
  if (result.logEvent.outcome !== 'refused' && result.logEvent.outcome !== 'forbidden') return;
  const until = startedAt + floorMs;
  // Timers run on a whole-millisecond, cached loop clock and may wake a fraction early: re-check.
  while (performance.now() < until) await sleep(Math.max(1, until - performance.now()));
}

function ifRangeOf(request: FastifyRequest): string | undefined {
  const value = request.headers['if-range'];
  return typeof value === 'string' ? value : undefined;
}

/** Sends a pipeline result, applying If-None-Match (304) and Range (206/416) to served files. */
function send(request: FastifyRequest, reply: FastifyReply, result: PhoneResult): FastifyReply {
  reply.code(result.status).headers(result.headers).type(result.contentType);
  const body = result.body ?? Buffer.alloc(0);
  if (result.status !== 200 || result.etag === undefined) return reply.send(body);
  reply.header('etag', result.etag).header('accept-ranges', 'bytes');
  if (notModified(request.headers['if-none-match'], result.etag)) return reply.code(304).send();
  const range = decideRange(request.headers.range, body.length, { ifRange: ifRangeOf(request), etag: result.etag });
  const rangeHeader = contentRange(range, body.length);
  if (rangeHeader !== undefined) reply.header('content-range', rangeHeader);
  if (range.kind === 'unsatisfiable') return reply.code(416).send();
  if (range.kind === 'partial') return reply.code(206).send(body.subarray(range.start, range.end + 1));
  return reply.send(body);
}

export function registerPhoneRoutes(app: FastifyInstance, deps: PhoneRouteDeps): void {
  const { phone, firmware } = deps;
  const routeOptions = phoneRouteOptions(flatLineLogger(app.log));

  // Poly uploads arrive as text or octet streams; parsed as raw bytes in this plugin only.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: phone.options.maxUploadBytes + 1 }, (_req, body, done) => {
    done(null, body);
  });

  const params = Type.Object({ name: Type.String({ pattern: PHONE_FILE_NAME }) });

  app.get<{ Params: { name: string } }>('/:name', { schema: { params, hide: true }, ...routeOptions }, async (request, reply) => {
    const startedAt = performance.now();
    const result = phone.fetch({
      path: request.params.name,
      userAgent: request.headers['user-agent'],
      ip: sourceOf(request),
      transport: transportOf(request),
      method: request.method,
      authorization: request.headers.authorization,
      clientCertificate: peerCertificateFacts(request.raw.socket),
    });
    answers.set(request, result);
    await holdRefusal(result, startedAt, phone.options.refusalFloorMs);
    return send(request, reply, result);
  });

  app.put<{ Params: { name: string }; Body: Buffer }>('/:name', { schema: { params, hide: true }, ...routeOptions }, async (request, reply) => {
    const startedAt = performance.now();
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.from(JSON.stringify(request.body ?? ''));
    const result = phone.upload(
      {
        path: request.params.name,
        userAgent: request.headers['user-agent'],
        ip: sourceOf(request),
        transport: transportOf(request),
        method: 'PUT',
        authorization: request.headers.authorization,
        clientCertificate: peerCertificateFacts(request.raw.socket),
      },
      body,
    );
    answers.set(request, result);
    await holdRefusal(result, startedAt, phone.options.refusalFloorMs);
    return send(request, reply, result);
  });

  const firmwareParams = Type.Object({
    vendor: Type.String({ pattern: FIRMWARE_SEGMENT }),
    file: Type.String({ pattern: FIRMWARE_SEGMENT }),
  });

  // Firmware is not secret, but only the sites' networks may pull it (no open mirror).
  app.get<{ Params: { vendor: string; file: string } }>(
    '/firmware/:vendor/:file',
    { schema: { params: firmwareParams, hide: true }, config: { auth: 'none' } },
    async (request, reply) => {
      if (!unionGuard(phone.reads.sites()).allows(sourceOf(request))) {
        return reply.code(403).type('application/json; charset=utf-8').send(OUTSIDE_BODY);
      }
      const found = await firmware.find(request.params.vendor, request.params.file);
      if (found === null) throw appError('NOT_FOUND', 'no such firmware file');
      // From size and modification time, as nginx does: images only change by an atomic rename
      // (io/firmware-store.ts), which gives a new time, so it is a strong validator and If-Range
      // resumes work; hashing a 100 MB image per request is not worth it.
      const etag = `"${found.size.toString(36)}-${Math.floor(found.mtimeMs).toString(36)}"`;
      reply.header('etag', etag).header('accept-ranges', 'bytes').type('application/octet-stream');
      if (notModified(request.headers['if-none-match'], etag)) return reply.code(304).send();
      const range = decideRange(request.headers.range, found.size, { ifRange: ifRangeOf(request), etag });
      const rangeHeader = contentRange(range, found.size);
      if (rangeHeader !== undefined) reply.header('content-range', rangeHeader);
      if (range.kind === 'unsatisfiable') return reply.code(416).send();
      if (range.kind === 'partial') {
        reply.code(206).header('content-length', String(range.end - range.start + 1));
        return reply.send(firmware.read(found, range));
      }
      reply.header('content-length', String(found.size));
      return reply.send(firmware.read(found));
    },
  );
}
