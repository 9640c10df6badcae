import { Type } from '@sinclair/typebox';
import { PageQuery, Timestamp } from './common.ts';

export const AuditQuery = Type.Object(
  {
    entity: Type.Optional(Type.String({ description: 'entity type (site, user, device, …) or type:id' })),
    entityId: Type.Optional(Type.String()),
    actor: Type.Optional(Type.String({ description: 'token id of the actor' })),
    action: Type.Optional(Type.String()),
    since: Type.Optional(Timestamp),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const AuditEventView = Type.Object({
  seq: Type.Integer(),
  at: Timestamp,
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
});
