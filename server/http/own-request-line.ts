import type { FastifyReply } from 'fastify';

/**
 * The response time a route's own request line (`config.ownRequestLog`) carries: milliseconds
 * to two decimals, the same in every such line.
 */
export function responseTimeOf(reply: FastifyReply): number {
  return Math.round(reply.elapsedTime * 100) / 100;
}
