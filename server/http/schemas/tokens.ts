import { Type } from '@sinclair/typebox';
import type { ApiToken } from '../../domain/api-token.ts';
import { Name, Timestamp } from './common.ts';

const TokenRole = Type.Union([Type.Literal('super-admin'), Type.Literal('admin'), Type.Literal('installer')]);

export const TokenCreate = Type.Object(
  {
    name: Name,
    role: TokenRole,
    siteId: Type.Optional(Type.String({ minLength: 1, description: 'required for installers' })),
    userId: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/** A token as listed: never the token itself or its hash. */
export const TokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: TokenRole,
  userId: Type.Union([Type.String(), Type.Null()]),
  siteId: Type.Union([Type.String(), Type.Null()]),
  bootstrap: Type.Boolean(),
  createdAt: Timestamp,
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});

/** The answer to a creation: the only time the token is shown. */
export const CreatedTokenView = Type.Object({ ...TokenView.properties, token: Type.String() });

export function tokenView(t: ApiToken) {
  const { hash: _hash, ...rest } = t;
  return rest;
}
