import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { pageFrom } from '../../services/context.ts';
import { errors, ListOf, PageQuery } from '../schemas/common.ts';
import { NumberCreate, NumberParams, NumberPatch, NumberView, numberView } from '../schemas/numbers.ts';
import { actorOf, type RouteOptions } from './actor.ts';

const tags = ['numbers'];

/** `/numbers`: the E.164 inventory outbound caller IDs come from. */
export const numberRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  app.post(
    '/numbers',
    { schema: { tags, body: NumberCreate, response: { 201: NumberView, ...errors(400, 401, 403, 409, 422) } } },
    async (request, reply) => reply.code(201).send(numberView(services.numbers.create(actorOf(request), request.body))),
  );

  app.get(
    '/numbers',
    {
      config: { minRole: 'installer' },
      schema: {
        tags,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: ListOf(NumberView), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const list = services.numbers.list(pageFrom(request.query));
      return { ...list, items: list.items.map(numberView) };
    },
  );

  app.get(
    '/numbers/:e164',
    {
      config: { minRole: 'installer' },
      schema: { tags, params: NumberParams, response: { 200: NumberView, ...errors(401, 403, 404) } },
    },
    async (request) => numberView(services.numbers.get(request.params.e164)),
  );

  app.patch(
    '/numbers/:e164',
    {
      schema: { tags, params: NumberParams, body: NumberPatch, response: { 200: NumberView, ...errors(400, 401, 403, 404, 422) } },
    },
    async (request) => numberView(services.numbers.update(actorOf(request), request.params.e164, request.body)),
  );

  app.delete(
    '/numbers/:e164',
    { schema: { tags, params: NumberParams, response: { 204: Type.Null(), ...errors(401, 403, 404, 409) } } },
    async (request, reply) => {
      services.numbers.remove(actorOf(request), request.params.e164);
      return reply.code(204).send(null);
    },
  );
};
