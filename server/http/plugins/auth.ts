import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { appError } from '../../errors.ts';
import { roleAtLeast, type DevicePrincipal, type Principal } from '../../domain/roles.ts';
import '../fastify-augment.ts';

/** Checks raw Bearer tokens; implemented by the token service (tokens are stored as hashes). */
export interface TokenVerifier {
  /** The API caller a raw admin token belongs to; null when unknown or revoked. */
  verify(raw: string): Principal | null;
  /** The device a raw agent token belongs to; null when unknown or revoked. */
  verifyDevice?(raw: string): DevicePrincipal | null;
}

export interface AuthOptions {
  tokens: TokenVerifier;
}

const API_PREFIX = '/api/v1';

/** RFC 6750 §2.1: `Authorization: Bearer <b64token>`; the scheme is case-insensitive. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1] ?? null;
}

/** Which check a route needs: its declared `config.auth`, else `admin` under /api/v1, else none. */
export function authModeOf(request: FastifyRequest): 'admin' | 'device' | 'none' {
  const declared = request.routeOptions.config?.auth;
  if (declared !== undefined) return declared;
  const url = request.routeOptions.url;
  return url !== undefined && (url === API_PREFIX || url.startsWith(`${API_PREFIX}/`)) ? 'admin' : 'none';
}

/**
 * Resolves the caller of every request before its body is read, so an unauthenticated client
 * cannot make the server parse a large body. Routes declare who may call them with
 * `config: { auth, minRole }` (server/http/fastify-augment.ts).
 */
const authPlugin: FastifyPluginAsync<AuthOptions> = async (app, { tokens }) => {
  app.decorateRequest('principal', null);
  app.decorateRequest('device', null);

  app.addHook('onRequest', async (request) => {
    const mode = authModeOf(request);
    if (mode === 'none') return;
    const raw = bearerToken(request.headers.authorization);
    if (raw === null) throw appError('UNAUTHORIZED', 'a Bearer token is required');

    if (mode === 'device') {
      const device = tokens.verifyDevice?.(raw) ?? null;
      if (device === null) throw appError('UNAUTHORIZED', 'the device token is unknown or revoked');
      request.device = device;
      return;
    }

    const principal = tokens.verify(raw);
    if (principal === null) throw appError('UNAUTHORIZED', 'the token is unknown or revoked');
    if (principal.role === 'user') throw appError('FORBIDDEN', 'the role user has no API access');
    const needed = request.routeOptions.config?.minRole ?? 'admin';
    if (!roleAtLeast(principal.role, needed)) {
      throw appError('FORBIDDEN', `this needs the role ${needed} or higher; the token has ${principal.role}`);
    }
    request.principal = principal;
  });
};

export const auth = fp(authPlugin, { fastify: '5.x', name: 'deskprov-auth' });
