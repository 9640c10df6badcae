import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../schemas/common.ts';
import { ImportBody, ImportResult } from '../schemas/import.ts';
import { actorOf, type RouteOptions } from './actor.ts';

/** `/import`: users and devices from one CSV file, all or nothing (see schemas/import.ts). */
export const importRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  app.post(
    '/import',
    { schema: { tags: ['import'], body: ImportBody, response: { 201: ImportResult, ...errors(400, 401, 403, 413, 422) } } },
    async (request, reply) =>
      reply.code(201).send({ imported: services.import.run(actorOf(request), request.body.rows) }),
  );
};
