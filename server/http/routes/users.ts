import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { pageFrom } from '../../services/context.ts';
import { errors, IdParams, ListOf } from '../schemas/common.ts';
import { UserCreate, UserPatch, UserQuery, UserView, userView } from '../schemas/users.ts';
import { actorOf, type RouteOptions } from './actor.ts';

const tags = ['users'];

/** `/users`: create (extension allocated when not given), list, read, edit (licence), delete. */
export const userRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  app.post(
    '/users',
    { schema: { tags, body: UserCreate, response: { 201: UserView, ...errors(400, 401, 403, 409, 422) } } },
    async (request, reply) => reply.code(201).send(userView(services.users.create(actorOf(request), request.body))),
  );

  app.get(
    '/users',
    {
      config: { minRole: 'installer' },
      schema: { tags, querystring: UserQuery, response: { 200: ListOf(UserView), ...errors(400, 401, 403) } },
    },
    async (request) => {
      const { limit, offset, ...filter } = request.query;
      const list = services.users.list(filter, pageFrom({ limit, offset }));
      return { ...list, items: list.items.map(userView) };
    },
  );

  app.get(
    '/users/:id',
    { config: { minRole: 'installer' }, schema: { tags, params: IdParams, response: { 200: UserView, ...errors(401, 403, 404) } } },
    async (request) => userView(services.users.get(request.params.id)),
  );

  app.patch(
    '/users/:id',
    { schema: { tags, params: IdParams, body: UserPatch, response: { 200: UserView, ...errors(400, 401, 403, 404, 409, 422) } } },
    async (request) => userView(services.users.update(actorOf(request), request.params.id, request.body)),
  );

  app.delete(
    '/users/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } } },
    async (request, reply) => {
      services.users.remove(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
