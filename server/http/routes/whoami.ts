import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { errors, Role } from '../schemas/common.ts';
import { actorOf, type RouteOptions } from './actor.ts';

/** Who the caller's token speaks for: never the token itself or its hash. */
export const WhoamiView = Type.Object({
  tokenId: Type.String(),
  name: Type.String(),
  role: Role,
  userId: Type.Union([Type.String(), Type.Null()]),
  siteId: Type.Union([Type.String(), Type.Null()], { description: 'the one site an installer acts on; null for every site' }),
});

/** Lets a client (the web console) show only the controls the caller's role may use. */
export const whoamiRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app) => {
  app.get(
    '/whoami',
    { config: { minRole: 'installer' }, schema: { tags: ['tokens'], response: { 200: WhoamiView, ...errors(401, 403) } } },
    async (request) => {
      const { tokenId, name, role, userId, siteId } = actorOf(request);
      return { tokenId, name, role, userId, siteId };
    },
  );
};
