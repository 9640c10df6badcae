import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FirmwareRollouts } from '../../services/firmware-rollouts.ts';
import { errors, IdParams } from '../schemas/common.ts';
import { FirmwareAlertView, RolloutCreate, RolloutView } from '../schemas/rollouts.ts';
import { actorOf } from './actor.ts';

/**
 * `/rollouts` (docs/FIRMWARE.md): staged firmware rollouts per site and model, their rings and
 * per-device progress, halt and resume; `/firmware-alerts`: corrupt or missing images and halted
 * rollouts. Registered by the phone front end beside the firmware upload, since the service needs
 * the firmware store.
 */

export interface RolloutRouteOptions {
  rollouts: FirmwareRollouts;
}

const tags = ['rollouts'];
const ListQuery = Type.Object(
  {
    siteId: Type.Optional(Type.String({ maxLength: 64 })),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('halted'), Type.Literal('completed')])),
  },
  { additionalProperties: false },
);
const HaltBody = Type.Union([Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) }, { additionalProperties: false }), Type.Null()]);

export const rolloutRoutes: FastifyPluginAsyncTypebox<RolloutRouteOptions> = async (app, { rollouts }) => {
  app.post(
    '/rollouts',
    { schema: { tags, body: RolloutCreate, response: { 201: RolloutView, ...errors(400, 401, 403, 409, 422) } } },
    async (request, reply) => reply.code(201).send(await rollouts.create(actorOf(request), request.body)),
  );

  app.get(
    '/rollouts',
    { config: { minRole: 'installer' }, schema: { tags, querystring: ListQuery, response: { 200: Type.Object({ items: Type.Array(RolloutView) }), ...errors(400, 401, 403) } } },
    async (request) => {
      const { siteId, status } = request.query;
      return { items: rollouts.list(actorOf(request), { ...(siteId === undefined ? {} : { siteId }), ...(status === undefined ? {} : { status }) }) };
    },
  );

  app.get(
    '/rollouts/:id',
    { config: { minRole: 'installer' }, schema: { tags, params: IdParams, response: { 200: RolloutView, ...errors(401, 403, 404) } } },
    async (request) => rollouts.get(request.params.id, actorOf(request)),
  );

  app.post(
    '/rollouts/:id/halt',
    { schema: { tags, params: IdParams, body: Type.Optional(HaltBody), response: { 200: RolloutView, ...errors(400, 401, 403, 404, 409) } } },
    async (request) => rollouts.halt(actorOf(request), request.params.id, request.body?.reason ?? undefined),
  );

  app.post(
    '/rollouts/:id/resume',
    { schema: { tags, params: IdParams, response: { 200: RolloutView, ...errors(401, 403, 404, 409) } } },
    async (request) => rollouts.resume(actorOf(request), request.params.id),
  );

  app.get(
    '/firmware-alerts',
    { config: { minRole: 'installer' }, schema: { tags, response: { 200: Type.Object({ items: Type.Array(FirmwareAlertView) }), ...errors(401, 403) } } },
    async () => ({ items: rollouts.alerts().map(({ clearedAt: _cleared, ...alert }) => alert) }),
  );
};
