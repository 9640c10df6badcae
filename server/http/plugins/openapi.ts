import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';

export const OPENAPI_PATH = '/api/v1/openapi.json';

/**
 * The OpenAPI 3 document, generated from the same TypeBox schemas that validate requests, so the
 * document cannot drift from the code. Must be registered before the routes it describes.
 */
const openapiPlugin: FastifyPluginAsync<{ version: string }> = async (app, { version }) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'deskprov admin API',
        description: 'Sites, users, extensions, devices, profiles and numbers of a deskprov server.',
        version,
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    // Only the admin API belongs in the document; phone file routes and the console do not.
    hideUntagged: false,
    transform: ({ schema, url }) => ({
      schema: { ...schema, hide: schema?.hide === true || !url.startsWith('/api/v1') },
      url,
    }),
  });

  app.get(OPENAPI_PATH, { config: { auth: 'none' }, schema: { hide: true } }, async () => app.swagger());
};

export const openapi = fp(openapiPlugin, { fastify: '5.x', name: 'deskprov-openapi' });
