import { Type } from '@sinclair/typebox';
import { DEVICE_STATES, type Device } from '../../domain/device.ts';
import { ExtensionRef, Name, PageQuery, Timestamp } from './common.ts';

const State = Type.Union(DEVICE_STATES.map((s) => Type.Literal(s)));
const Kind = Type.Union([Type.Literal('user'), Type.Literal('standalone')]);

/** Any MAC spelling of CONTRACT.md; the domain parses it. */
const MacText = Type.String({ minLength: 1, maxLength: 32, description: 'MAC in any contract spelling' });

export const MacParams = Type.Object({ mac: MacText }, { additionalProperties: false });

export const DeviceCreate = Type.Object(
  {
    mac: MacText,
    model: Type.String({ minLength: 1, maxLength: 128, description: 'catalogue id, e.g. yealink/t54w' }),
    siteId: Type.String({ minLength: 1 }),
    userId: Type.Optional(Type.String({ minLength: 1 })),
    standalone: Type.Optional(Type.Literal(true)),
    label: Type.Optional(Name),
    profileId: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, description: 'exactly one of userId and standalone: true' },
);

export const DevicePatch = Type.Object(
  {
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    label: Type.Optional(Type.Union([Name, Type.Null()])),
    profileId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    userId: Type.Optional(Type.String({ minLength: 1, description: 'rebind to this user' })),
    standalone: Type.Optional(Type.Literal(true, { description: 'rebind to a new standalone extension' })),
    state: Type.Optional(Type.Union([Type.Literal('provisioned'), Type.Literal('retired')])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DeviceClaim = Type.Object(
  {
    siteId: Type.Optional(Type.String({ minLength: 1 })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    userId: Type.Optional(Type.String({ minLength: 1 })),
    standalone: Type.Optional(Type.Literal(true)),
    label: Type.Optional(Name),
  },
  { additionalProperties: false, description: 'exactly one of userId and standalone: true' },
);

export const DeviceQuery = Type.Object(
  {
    state: Type.Optional(State),
    siteId: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    userId: Type.Optional(Type.String()),
    q: Type.Optional(Type.String({ maxLength: 256, description: 'substring of MAC or label' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const DeviceView = Type.Object({
  id: Type.String(),
  mac: Type.String(),
  model: Type.String(),
  siteId: Nullable(Type.String()),
  profileId: Nullable(Type.String()),
  label: Nullable(Type.String()),
  state: State,
  binding: Nullable(Type.Object({ kind: Kind, userId: Nullable(Type.String()), extension: ExtensionRef })),
  restorable: Nullable(
    Type.Object({
      kind: Kind,
      userId: Nullable(Type.String()),
      extension: ExtensionRef,
      configRevision: Type.Integer(),
      reason: Type.String(),
      until: Timestamp,
    }),
  ),
  configRevision: Type.Integer(),
  hasAgentToken: Type.Boolean(),
  lastSeen: Nullable(
    Type.Object({
      at: Timestamp,
      ip: Nullable(Type.String()),
      userAgent: Nullable(Type.String()),
      firmware: Nullable(Type.String()),
      file: Nullable(Type.String()),
      servedRevision: Nullable(Type.Integer()),
    }),
  ),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const AgentTokenView = Type.Object({ token: Type.String() });

export function deviceView(d: Device) {
  const { agentTokenHash, binding, restorable, restoreUntil, ...rest } = d;
  return {
    ...rest,
    binding:
      binding === null
        ? null
        : { kind: binding.kind, userId: binding.userId, extension: { number: binding.extensionNumber } },
    restorable:
      restorable === null || restoreUntil === null
        ? null
        : {
            kind: restorable.kind,
            userId: restorable.userId,
            extension: { number: restorable.extensionNumber },
            configRevision: restorable.configRevision,
            reason: restorable.reason,
            until: restoreUntil,
          },
    hasAgentToken: agentTokenHash !== null,
  };
}
