import { Type } from '@sinclair/typebox';

/** Schemas of `/rollouts` (docs/FIRMWARE.md). */

const FILE = '^[A-Za-z0-9][A-Za-z0-9._()+,-]{0,127}$';
const VERSION = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
const WEEKDAY = Type.Union([
  Type.Literal('sun'),
  Type.Literal('mon'),
  Type.Literal('tue'),
  Type.Literal('wed'),
  Type.Literal('thu'),
  Type.Literal('fri'),
  Type.Literal('sat'),
]);

export const Hop = Type.Object({ version: VERSION, file: Type.String({ pattern: FILE }) }, { additionalProperties: false });

export const Ring = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    devices: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

export const Window = Type.Object(
  { start: HHMM, end: HHMM, days: Type.Optional(Type.Array(WEEKDAY, { minItems: 1, maxItems: 7, uniqueItems: true })) },
  { additionalProperties: false },
);

export const HaltRule = Type.Object(
  {
    noReturnMinutes: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }),
    maxRegistrationLossRate: Type.Number({ minimum: 0, maximum: 1 }),
    absentAfterMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 24 * 60 })),
  },
  { additionalProperties: false },
);

export const RolloutCreate = Type.Object(
  {
    siteId: Type.String({ minLength: 1, maxLength: 64 }),
    model: Type.String({ minLength: 1, maxLength: 128 }),
    targetVersion: VERSION,
    file: Type.String({ pattern: FILE }),
    upgradePath: Type.Optional(Type.Array(Hop, { maxItems: 16 })),
    revert: Type.Optional(Hop),
    rings: Type.Array(Ring, { minItems: 1, maxItems: 16 }),
    window: Window,
    soakMinutes: Type.Integer({ minimum: 0, maximum: 30 * 24 * 60 }),
    halt: HaltRule,
  },
  { additionalProperties: false },
);

const Offer = Type.Union([Type.Object({ version: Type.String(), at: Type.String() }), Type.Null()]);

export const DeviceProgressView = Type.Object({
  mac: Type.String(),
  ring: Type.Integer(),
  ringName: Type.String(),
  version: Type.Union([Type.String(), Type.Null()]),
  offered: Offer,
  state: Type.Union([Type.Literal('waiting'), Type.Literal('absent'), Type.Literal('offered'), Type.Literal('no-return'), Type.Literal('upgraded'), Type.Literal('done')]),
});

export const RolloutView = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  model: Type.String(),
  targetVersion: Type.String(),
  file: Type.String(),
  upgradePath: Type.Array(Hop),
  revert: Type.Union([Hop, Type.Null()]),
  rings: Type.Array(Ring),
  window: Window,
  soakMinutes: Type.Integer(),
  halt: HaltRule,
  status: Type.Union([Type.Literal('active'), Type.Literal('halted'), Type.Literal('completed')]),
  ring: Type.Integer(),
  ringName: Type.String(),
  ringStartedAt: Type.String(),
  ringCompletedAt: Type.Union([Type.String(), Type.Null()]),
  haltReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  devices: Type.Optional(Type.Array(DeviceProgressView)),
});

export const FirmwareAlertView = Type.Object({
  id: Type.String(),
  at: Type.String(),
  code: Type.String(),
  subject: Type.String(),
  message: Type.String(),
});
