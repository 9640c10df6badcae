import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { pageFrom } from '../../services/context.ts';
import { errors, ListOf } from '../schemas/common.ts';
import {
  ExtensionParams,
  ExtensionPatch,
  ExtensionQuery,
  ExtensionView,
  extensionView,
  SecretView,
} from '../schemas/extensions.ts';
import { actorOf, type RouteOptions } from './actor.ts';

const tags = ['extensions'];

/** `/extensions`: read and edit lines; the secret only through `secret:reveal` (super-admin). */
export const extensionRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  app.get(
    '/extensions',
    {
      config: { minRole: 'installer' },
      schema: { tags, querystring: ExtensionQuery, response: { 200: ListOf(ExtensionView), ...errors(400, 401, 403) } },
    },
    async (request) => {
      const { limit, offset, ...filter } = request.query;
      const list = services.extensions.list(filter, pageFrom({ limit, offset }));
      return { ...list, items: list.items.map(extensionView) };
    },
  );

  app.get(
    '/extensions/:number',
    {
      config: { minRole: 'installer' },
      schema: { tags, params: ExtensionParams, response: { 200: ExtensionView, ...errors(400, 401, 403, 404) } },
    },
    async (request) => extensionView(services.extensions.get(request.params.number)),
  );

  app.patch(
    '/extensions/:number',
    {
      schema: {
        tags,
        params: ExtensionParams,
        body: ExtensionPatch,
        response: { 200: ExtensionView, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      extensionView(services.extensions.update(actorOf(request), request.params.number, request.body)),
  );

  // `::` is fastify's escape for a literal colon (Google AIP-136 custom method style).
  app.post(
    '/extensions/:number/secret::reveal',
    {
      config: { minRole: 'super-admin' },
      schema: { tags, params: ExtensionParams, response: { 200: SecretView, ...errors(400, 401, 403, 404) } },
    },
    async (request) => services.extensions.revealSecret(actorOf(request), request.params.number),
  );

  app.post(
    '/extensions/:number/secret::rotate',
    {
      schema: { tags, params: ExtensionParams, response: { 200: ExtensionView, ...errors(400, 401, 403, 404) } },
    },
    async (request) => extensionView(services.extensions.rotateSecret(actorOf(request), request.params.number)),
  );
};
