import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyRequest,
  type RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Catalog } from '../provisioning/types.ts';
import type { Services } from '../services/index.ts';
import { lazySerializerFactory } from './lazy-serializers.ts';
import { adminRoutes } from './routes/index.ts';
import { securityHeaders } from './plugins/security-headers.ts';
import { auth } from './plugins/auth.ts';
import { errorHandler } from './plugins/error-handler.ts';
import { health } from './plugins/health.ts';
import { openapi } from './plugins/openapi.ts';
import { installValidation } from './plugins/validation.ts';
import './fastify-augment.ts';

/** What every front-end plugin is registered with. */
export interface AppPluginOptions {
  config: Config;
  services: Services;
  catalog: Catalog;
}

/** A plugin added at the root next to the admin API (phone file routes, agent routes, web console). */
export type AppPlugin = FastifyPluginAsync<AppPluginOptions>;

export interface AppDeps extends AppPluginOptions {
  /** The process logger; omitted in tests that do not read logs (logging off). */
  logger?: Logger;
  extraPlugins?: readonly AppPlugin[];
  /** The version in the OpenAPI document. */
  version?: string;
}

/** The application type routes see: TypeBox schemas give typed requests. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/**
 * The whole HTTP application, ready for `listen` or `inject`; it never listens itself
 * (`server/main.ts` does), so tests drive the same app the server runs.
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, services, catalog } = deps;
  const logger: FastifyBaseLogger | undefined = deps.logger;
  const base = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: config.limits.bodyLimit,
    requestTimeout: config.limits.requestTimeoutMs,
    keepAliveTimeout: config.limits.keepAliveTimeoutMs,
    // Clients are phones and admins on the LAN; no proxy is trusted to set X-Forwarded-For.
    trustProxy: false,
    schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory() } },
    // A boot storm is thousands of phone fetches a second: one line each, not three.
    logController: new LogController({
      disableRequestLogging: (request: FastifyRequest) => request.routeOptions?.config?.ownRequestLog === true,
    }),
  });
  installValidation(base);
  const app = base.withTypeProvider<TypeBoxTypeProvider>();

  // The admin API speaks JSON only: a text/plain body is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');

  await app.register(errorHandler);
  await app.register(securityHeaders);
  await app.register(auth, { tokens: services.tokens });
  await app.register(openapi, { version: deps.version ?? '0.0.0' });
  await app.register(health);
  // config.publicUrl is read per request: a port-0 listener fills its port in after listen.
  await app.register(adminRoutes, { prefix: '/api/v1', services, publicUrl: () => config.publicUrl });
  for (const plugin of deps.extraPlugins ?? []) {
    await app.register(plugin, { config, services, catalog });
  }
  return app;
}
