import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { pageFrom } from '../../services/context.ts';
import { errors, ListOf } from '../schemas/common.ts';
import {
  AgentTokenView,
  DeviceClaim,
  DeviceCreate,
  DevicePatch,
  DeviceQuery,
  DeviceView,
  deviceView,
  MacParams,
} from '../schemas/devices.ts';
import { actorOf, type RouteOptions } from './actor.ts';

const tags = ['devices'];
const one = { 200: DeviceView, ...errors(400, 401, 403, 404, 409, 422) };

/** `/devices`: bind, list, read, rebind, delete, restore, claim, agent token; `{mac}` in any spelling. */
export const deviceRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  app.post(
    '/devices',
    { schema: { tags, body: DeviceCreate, response: { 201: DeviceView, ...errors(400, 401, 403, 409, 422) } } },
    async (request, reply) =>
      reply.code(201).send(deviceView(services.devices.create(actorOf(request), request.body))),
  );

  app.get(
    '/devices',
    {
      config: { minRole: 'installer' },
      schema: { tags, querystring: DeviceQuery, response: { 200: ListOf(DeviceView), ...errors(400, 401, 403) } },
    },
    async (request) => {
      const { limit, offset, ...filter } = request.query;
      const list = services.devices.list(filter, pageFrom({ limit, offset }));
      return { ...list, items: list.items.map(deviceView) };
    },
  );

  app.get(
    '/devices/:mac',
    { config: { minRole: 'installer' }, schema: { tags, params: MacParams, response: one } },
    async (request) => deviceView(services.devices.get(request.params.mac)),
  );

  app.patch(
    '/devices/:mac',
    { schema: { tags, params: MacParams, body: DevicePatch, response: one } },
    async (request) => deviceView(services.devices.update(actorOf(request), request.params.mac, request.body)),
  );

  app.delete(
    '/devices/:mac',
    { schema: { tags, params: MacParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } } },
    async (request, reply) => {
      services.devices.remove(actorOf(request), request.params.mac);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/devices/:mac/restore',
    { schema: { tags, params: MacParams, response: one } },
    async (request) => deviceView(services.devices.restore(actorOf(request), request.params.mac)),
  );

  app.post(
    '/devices/:mac/claim',
    { config: { minRole: 'installer' }, schema: { tags, params: MacParams, body: DeviceClaim, response: one } },
    async (request) => deviceView(services.devices.claim(actorOf(request), request.params.mac, request.body)),
  );

  app.post(
    '/devices/:mac/agent-token',
    {
      schema: { tags, params: MacParams, response: { 200: AgentTokenView, ...errors(400, 401, 403, 404) } },
    },
    async (request) => services.devices.issueAgentToken(actorOf(request), request.params.mac),
  );
};
