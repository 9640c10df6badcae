import { Type } from '@sinclair/typebox';
import type { Extension } from '../../domain/extension.ts';
import { ExtensionNumber, Name, PageQuery, Timestamp } from './common.ts';

export const ExtensionParams = Type.Object({ number: ExtensionNumber }, { additionalProperties: false });

export const ExtensionPatch = Type.Object(
  {
    displayName: Type.Optional(Name),
    outboundCallerId: Type.Optional(
      Type.Union([Type.String({ description: 'E.164 number from the numbers inventory' }), Type.Null()]),
    ),
    voicemail: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ExtensionQuery = Type.Object(
  {
    siteId: Type.Optional(Type.String()),
    kind: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('standalone')])),
    ...PageQuery,
  },
  { additionalProperties: false },
);

/** An extension as the API shows it: never the secret (see secret:reveal). */
export const ExtensionView = Type.Object({
  number: Type.Integer(),
  siteId: Type.String(),
  kind: Type.Union([Type.Literal('user'), Type.Literal('standalone')]),
  authUser: Type.String(),
  displayName: Type.String(),
  outboundCallerId: Type.Union([Type.String(), Type.Null()]),
  voicemail: Type.Boolean(),
  retainedUntil: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const SecretView = Type.Object({ number: Type.Integer(), authUser: Type.String(), secret: Type.String() });

export function extensionView(e: Extension) {
  const { secret: _secret, ...rest } = e;
  return rest;
}
