import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { pageFrom } from '../../services/context.ts';
import { AuditEventView, AuditQuery } from '../schemas/audit.ts';
import { errors, ListOf } from '../schemas/common.ts';
import type { RouteOptions } from './actor.ts';

/** `/audit`: the audit trail, newest first, filtered by entity, actor, action and time. */
export const auditRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { services }) => {
  app.get(
    '/audit',
    {
      config: { minRole: 'installer' },
      schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: ListOf(AuditEventView), ...errors(400, 401, 403) } },
    },
    async (request) => {
      const { entity, entityId, actor, action, since, limit, offset } = request.query;
      // `entity=device:001565aabbcc` is shorthand for entity type plus id.
      const [entityType, idFromEntity] = entity?.includes(':') ? entity.split(/:(.*)/s) : [entity, undefined];
      return services.audit.list(
        { entityType, entityId: entityId ?? idFromEntity, actorId: actor, action, since },
        pageFrom({ limit, offset }),
      );
    },
  );
};
