import { Type } from '@sinclair/typebox';
import type { User } from '../../domain/user.ts';
import { ExtensionNumber, ExtensionRef, Name, PageQuery, Role, Timestamp } from './common.ts';

export const UserCreate = Type.Object(
  {
    name: Name,
    email: Type.String({ minLength: 3, maxLength: 254 }),
    siteId: Type.String({ minLength: 1 }),
    extension: Type.Optional(ExtensionNumber),
    role: Type.Optional(Role),
    licensed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UserPatch = Type.Object(
  {
    name: Type.Optional(Name),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
    role: Type.Optional(Role),
    licensed: Type.Optional(Type.Boolean({ description: 'false unbinds the devices, restorable for 7 days' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UserQuery = Type.Object(
  { siteId: Type.Optional(Type.String()), q: Type.Optional(Type.String({ maxLength: 256 })), ...PageQuery },
  { additionalProperties: false },
);

export const UserView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  role: Role,
  siteId: Type.String(),
  licensed: Type.Boolean(),
  extension: ExtensionRef,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export function userView(u: User) {
  const { extensionNumber, ...rest } = u;
  return { ...rest, extension: { number: extensionNumber } };
}
