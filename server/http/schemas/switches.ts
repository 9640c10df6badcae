import { Type } from '@sinclair/typebox';
import { SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS } from '../../domain/switch-inventory.ts';
import { Name, Timestamp } from './common.ts';

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

/** SNMP credentials as written (never read back): v2c community, or a v3 USM user. */
export const SnmpCredentialsInput = Type.Object(
  {
    version: Type.Union([Type.Literal('2c'), Type.Literal('3')]),
    community: Type.Optional(Type.String({ maxLength: 64 })),
    user: Type.Optional(Type.String({ maxLength: 32 })),
    authProtocol: Type.Optional(literals(SNMP_AUTH_PROTOCOLS)),
    authKey: Type.Optional(Type.String({ maxLength: 64 })),
    privProtocol: Type.Optional(literals(SNMP_PRIV_PROTOCOLS)),
    privKey: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

const fields = {
  name: Name,
  siteId: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
  host: Type.String({ maxLength: 253, description: 'management address: IP literal or host name' }),
  port: Type.Integer({ minimum: 1, maximum: 65535, default: 161 }),
  snmp: SnmpCredentialsInput,
  uplinkPorts: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 256, description: 'ports to ignore: ifName or LLDP port id' }),
  chassisId: Type.Union([Type.String({ maxLength: 255 }), Type.Null()]),
};

export const SwitchCreate = Type.Object(
  {
    name: fields.name,
    siteId: Type.Optional(fields.siteId),
    host: fields.host,
    port: Type.Optional(fields.port),
    snmp: fields.snmp,
    uplinkPorts: Type.Optional(fields.uplinkPorts),
    chassisId: Type.Optional(fields.chassisId),
  },
  { additionalProperties: false },
);

export const SwitchPatch = Type.Partial(Type.Object(fields, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 });

const LldpIdView = Type.Object({ type: Type.String(), value: Type.String() });

export const PollStateView = Type.Object({
  lastPollAt: Type.Union([Timestamp, Type.Null()]),
  lastSuccessAt: Type.Union([Timestamp, Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  failingSince: Type.Union([Timestamp, Type.Null()]),
  macsSeen: Type.Integer(),
  phonesLocated: Type.Integer(),
  uplinks: Type.Array(Type.Object({ portId: Type.String(), reason: Type.String(), macs: Type.Integer() })),
});

/** A switch as shown: credentials reduced to version, user and protocols. */
export const SwitchView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  siteId: Type.Union([Type.String(), Type.Null()]),
  host: Type.String(),
  port: Type.Integer(),
  snmp: Type.Object({
    version: Type.String(),
    user: Type.Optional(Type.String()),
    level: Type.Optional(Type.String()),
    authProtocol: Type.Optional(Type.String()),
    privProtocol: Type.Optional(Type.String()),
  }),
  uplinkPorts: Type.Array(Type.String()),
  chassisId: Type.Union([LldpIdView, Type.Null()]),
  poll: Type.Union([PollStateView, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const PollOutcomeView = Type.Object({
  ok: Type.Boolean(),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  macsSeen: Type.Integer(),
  phonesLocated: Type.Integer(),
  moved: Type.Array(Type.String(), { description: 'MACs of devices whose resolved location changed' }),
});

export const SwitchAlertView = Type.Object({
  switchId: Type.String(),
  name: Type.String(),
  code: Type.String(),
  message: Type.String(),
  since: Type.String(),
});

const EvidenceUseView = Type.Object({ source: Type.String(), at: Timestamp, origin: Type.Optional(Type.String()) });

/** Every piece of location evidence for a device, the merged result and which piece won. */
export const DeviceEvidenceView = Type.Object({
  mac: Type.String(),
  pieces: Type.Array(
    Type.Object({ source: Type.String(), at: Type.String(), origin: Type.Optional(Type.String()), network: Type.Unknown() }),
  ),
  merged: Type.Unknown(),
  resolution: Type.Object({
    locationId: Type.Union([Type.String(), Type.Null()]),
    matchedBy: Type.Union([Type.String(), Type.Null()]),
    entryId: Type.Union([Type.String(), Type.Null()]),
    unresolved: Type.Boolean(),
  }),
  locatedBy: Type.Union([EvidenceUseView, Type.Null()]),
});
