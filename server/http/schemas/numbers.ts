import { Type } from '@sinclair/typebox';
import type { PhoneNumber } from '../../domain/e164.ts';
import { ExtensionNumber, Name, Timestamp } from './common.ts';

export const NumberParams = Type.Object({ e164: Type.String({ maxLength: 16 }) }, { additionalProperties: false });

export const NumberCreate = Type.Object(
  {
    e164: Type.String({ maxLength: 16, description: 'E.164, e.g. +4930123456' }),
    region: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2, e.g. DE' }),
    callerIdName: Type.Optional(Name),
    extension: Type.Optional(ExtensionNumber),
  },
  { additionalProperties: false },
);

export const NumberPatch = Type.Object(
  {
    region: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
    callerIdName: Type.Optional(Type.Union([Name, Type.Null()])),
    extension: Type.Optional(Type.Union([ExtensionNumber, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const NumberView = Type.Object({
  e164: Type.String(),
  region: Type.String(),
  callerIdName: Type.Union([Type.String(), Type.Null()]),
  extension: Type.Union([Type.Object({ number: Type.Integer() }), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export function numberView(n: PhoneNumber) {
  const { extensionNumber, ...rest } = n;
  return { ...rest, extension: extensionNumber === null ? null : { number: extensionNumber } };
}
