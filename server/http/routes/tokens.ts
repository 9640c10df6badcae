import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { pageFrom } from '../../services/context.ts';
import { errors, IdParams, ListOf, PageQuery } from '../schemas/common.ts';
import { CreatedTokenView, TokenCreate, TokenView, tokenView } from '../schemas/tokens.ts';
import { actorOf, type RouteOptions } from './actor.ts';

const tags = ['tokens'];
const superAdmin = { minRole: 'super-admin' } as const;

/** `/tokens`: API tokens, super-admin only; a token value is shown once, at creation. */
export const tokenRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  app.post(
    '/tokens',
    {
      config: superAdmin,
      schema: { tags, body: TokenCreate, response: { 201: CreatedTokenView, ...errors(400, 401, 403, 422) } },
    },
    async (request, reply) => {
      const { token, record } = services.tokens.create(actorOf(request), request.body);
      return reply.code(201).send({ ...tokenView(record), token });
    },
  );

  app.get(
    '/tokens',
    {
      config: superAdmin,
      schema: {
        tags,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: ListOf(TokenView), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const list = services.tokens.list(pageFrom(request.query));
      return { ...list, items: list.items.map(tokenView) };
    },
  );

  app.delete(
    '/tokens/:id',
    { config: superAdmin, schema: { tags, params: IdParams, response: { 200: TokenView, ...errors(401, 403, 404) } } },
    async (request) => tokenView(services.tokens.revoke(actorOf(request), request.params.id)),
  );
};
