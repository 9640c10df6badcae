import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../domain/roles.ts';
import { appError } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import '../fastify-augment.ts';

/** Options every admin route plugin is registered with. */
export interface RouteOptions {
  services: Services;
  /** Base URL phones fetch from (`config.publicUrl`), for routes that render phone files. */
  publicUrl?: () => string;
}

/** The caller the auth hook resolved; admin routes never run without one. */
export function actorOf(request: FastifyRequest): Principal {
  if (request.principal == null) throw appError('UNAUTHORIZED', 'a Bearer token is required');
  return request.principal;
}
