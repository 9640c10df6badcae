import 'fastify';
import type { DevicePrincipal, Principal, Role } from '../domain/roles.ts';

/**
 * Request and route-config fields shared by the auth plugin and the routes.
 * A route declares who may call it with `config: { auth: … , minRole: … }`; the auth plugin
 * enforces it before the handler runs.
 */
declare module 'fastify' {
  interface FastifyRequest {
    /** Set for admin API requests that carried a valid Bearer token. */
    principal: Principal | null;
    /** Set for agent requests that carried a valid device token. */
    device: DevicePrincipal | null;
  }
  interface FastifyContextConfig {
    /** `admin` (default under /api/v1): Bearer API token; `device`: device token; `none`: public. */
    auth?: 'admin' | 'device' | 'none';
    /** Lowest role allowed (admin auth only); defaults to `admin`. */
    minRole?: Role;
    /**
     * The route writes one line per request itself (the phone routes, whose line says what was
     * served and why), so fastify's "incoming request" / "request completed" pair is left out.
     */
    ownRequestLog?: boolean;
  }
}

export {};
