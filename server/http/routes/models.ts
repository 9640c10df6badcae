import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../schemas/common.ts';
import { ModelList, modelView } from '../schemas/models.ts';
import type { RouteOptions } from './actor.ts';

/** `/models`: the model catalogue devices may use. */
export const modelRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  app.get(
    '/models',
    { config: { minRole: 'installer' }, schema: { tags: ['models'], response: { 200: ModelList, ...errors(401, 403) } } },
    async () => {
      const items = services.models.list().map(modelView);
      return { items, total: items.length };
    },
  );
};
