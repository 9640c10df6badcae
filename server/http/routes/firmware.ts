import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FirmwareStore } from '../../io/firmware-store.ts';
import { appError } from '../../errors.ts';
import { errors } from '../schemas/common.ts';
import { actorOf } from './actor.ts';
import type { Store } from '../../store/repositories.ts';

/**
 * `PUT /firmware/{vendor}/{file}` (P2 item 8): the body is streamed to `<data>/firmware/`, hashed
 * on the way, capped at `maxBytes`, and kept only when its SHA-256 equals `X-Checksum-Sha256` or
 * `?sha256=`. Phones fetch it at `<publicUrl>firmware/<vendor>/<file>` (phone-routes.ts).
 */

export interface FirmwareRouteOptions {
  firmware: FirmwareStore;
  maxBytes: number;
  store: Store;
  now: () => number;
}

const SEGMENT = '^[A-Za-z0-9][A-Za-z0-9._()+,-]{0,127}$';
const SHA256 = '^[0-9a-fA-F]{64}$';

const Params = Type.Object({ vendor: Type.String({ pattern: SEGMENT }), file: Type.String({ pattern: SEGMENT }) });
const Query = Type.Object({ sha256: Type.Optional(Type.String({ pattern: SHA256 })) });
const Stored = Type.Object({ vendor: Type.String(), file: Type.String(), size: Type.Integer(), sha256: Type.String(), url: Type.String() });

export const firmwareRoutes: FastifyPluginAsyncTypebox<FirmwareRouteOptions> = async (app, { firmware, maxBytes, store, now }) => {
  // The body is the image itself: never buffered, never parsed (streamed by the handler).
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.put(
    '/firmware/:vendor/:file',
    {
      bodyLimit: maxBytes,
      schema: { tags: ['firmware'], params: Params, querystring: Query, response: { 201: Stored, 200: Stored, ...errors(400, 401, 403, 413, 422) } },
    },
    async (request, reply) => {
      const header = request.headers['x-checksum-sha256'];
      const sha256 = request.query.sha256 ?? (typeof header === 'string' ? header : undefined);
      if (sha256 === undefined || !new RegExp(SHA256).test(sha256)) {
        throw appError('INVALID_FIELD', 'give the SHA-256 of the image in X-Checksum-Sha256 or ?sha256=', { field: 'sha256' });
      }
      const declared = Number(request.headers['content-length'] ?? '0');
      if (declared > maxBytes) throw appError('PAYLOAD_TOO_LARGE', `firmware larger than the limit of ${maxBytes} bytes`);
      const { vendor, file } = request.params;
      const saved = await firmware.save(vendor, file, request.raw, { sha256, maxBytes });
      store.audit.append({
        at: new Date(now()).toISOString(),
        actorId: actorOf(request).tokenId,
        actorName: actorOf(request).name,
        action: 'firmware.upload',
        entityType: 'firmware',
        entityId: `${vendor}/${file}`,
        before: null,
        after: { size: saved.size, sha256: saved.sha256 },
      });
      return reply
        .code(saved.replaced ? 200 : 201)
        .send({ vendor, file, size: saved.size, sha256: saved.sha256, url: `/firmware/${vendor}/${file}` });
    },
  );
};
