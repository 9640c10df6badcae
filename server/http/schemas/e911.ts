import { Type } from '@sinclair/typebox';
import type { EmergencyLocation } from '../../domain/e911-location.ts';
import { Name, Timestamp } from './common.ts';

// Shapes only; the domain (civic-address.ts, network-map.ts) checks content and names the field.
const CivicText = Type.String({ maxLength: 255 });
const Civic = Type.Record(Type.String({ maxLength: 16 }), CivicText, {
  description: 'RFC 5139 fields, e.g. {country, A1, A3, RD, STS, HNO, PC}',
});
const Targets = Type.Array(Type.String({ maxLength: 256 }), { maxItems: 20 });

export const LocationCreate = Type.Object(
  {
    siteId: Type.String({ minLength: 1, maxLength: 64 }),
    name: Name,
    address: Civic,
    place: Type.Optional(Civic),
    callbackNumber: Type.String({ maxLength: 16, description: 'E.164 from the numbers inventory' }),
    notifyTargets: Type.Optional(Targets),
    default: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const LocationPatch = Type.Object(
  {
    name: Type.Optional(Name),
    address: Type.Optional(Civic),
    place: Type.Optional(Civic),
    callbackNumber: Type.Optional(Type.String({ maxLength: 16 })),
    notifyTargets: Type.Optional(Targets),
    default: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const LocationQuery = Type.Object(
  {
    siteId: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

export const LocationView = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  name: Type.String(),
  address: Civic,
  place: Civic,
  callbackNumber: Type.String(),
  notifyTargets: Targets,
  status: Type.Union([Type.Literal('pending'), Type.Literal('registered'), Type.Literal('failed')]),
  statusMessage: Type.Union([Type.String(), Type.Null()]),
  default: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export function locationView(l: EmergencyLocation) {
  const { isDefault, ...rest } = l;
  return { ...rest, default: isDefault };
}

const LldpId = Type.Object({ type: Type.String({ maxLength: 32 }), value: Type.String({ minLength: 1, maxLength: 256 }) });

export const NetworkMapCreate = Type.Object(
  {
    locationId: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Type.Union([Type.Literal('bssid'), Type.Literal('switchPort'), Type.Literal('switch'), Type.Literal('subnet')]),
    bssid: Type.Optional(Type.String({ maxLength: 32 })),
    chassisId: Type.Optional(Type.String({ maxLength: 256 })),
    chassisIdType: Type.Optional(Type.String({ maxLength: 32 })),
    portId: Type.Optional(Type.String({ maxLength: 256 })),
    cidr: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const NetworkMapImport = Type.Object(
  {
    csv: Type.String({
      minLength: 1,
      description: 'CSV with a header row: locationId, kind, bssid, chassisId, chassisIdType, portId, cidr',
    }),
  },
  { additionalProperties: false },
);

export const NetworkMapView = Type.Object({
  id: Type.String(),
  locationId: Type.String(),
  kind: Type.String(),
  key: Type.String(),
  bssid: Type.Optional(Type.String()),
  chassisId: Type.Optional(LldpId),
  portId: Type.Optional(Type.String()),
  cidr: Type.Optional(Type.String()),
});

export const NetworkMapQuery = Type.Object(
  {
    locationId: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

const MedLocation = Type.Union([
  Type.Object({ format: Type.Literal('civic'), civic: Civic }, { additionalProperties: false }),
  Type.Object({ format: Type.Literal('elin'), elin: Type.String({ maxLength: 32 }) }, { additionalProperties: false }),
  Type.Object(
    { format: Type.Literal('coordinates'), latitude: Type.String({ maxLength: 32 }), longitude: Type.String({ maxLength: 32 }) },
    { additionalProperties: false },
  ),
]);

/** Body of `POST /api/v1/agent/reports` (CONTRACT.md "Agent"); bounded so a report stays small. */
export const AgentReportBody = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' }),
    at: Type.String({ format: 'date-time' }),
    mac: Type.Optional(Type.String({ maxLength: 17 })),
    firmware: Type.Optional(Type.String({ maxLength: 128 })),
    configRevision: Type.Optional(Type.String({ maxLength: 64 })),
    sip: Type.Optional(
      Type.Object(
        {
          registered: Type.Boolean(),
          registrar: Type.Optional(Type.String({ maxLength: 256 })),
          lastError: Type.Optional(Type.String({ maxLength: 256 })),
        },
        { additionalProperties: false },
      ),
    ),
    network: Type.Optional(
      Type.Object(
        {
          ip: Type.Optional(Type.String({ maxLength: 64 })),
          gateway: Type.Optional(Type.String({ maxLength: 64 })),
          gatewayMac: Type.Optional(Type.String({ maxLength: 32 })),
          bssid: Type.Optional(Type.String({ maxLength: 32 })),
          lldp: Type.Optional(
            Type.Object(
              {
                chassisId: LldpId,
                portId: LldpId,
                sysName: Type.Optional(Type.String({ maxLength: 256 })),
                portDescription: Type.Optional(Type.String({ maxLength: 256 })),
                medLocation: Type.Optional(MedLocation),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    call: Type.Optional(
      Type.Object(
        {
          dialled: Type.String({ minLength: 1, maxLength: 128, description: 'the number as dialled; a SIP URI user part counts' }),
          at: Type.Optional(Type.String({ format: 'date-time' })),
          callId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        },
        { additionalProperties: false, description: 'an outgoing call placed since the last report (emergency-call notification)' },
      ),
    ),
    sipContact: Type.Optional(
      Type.Object(
        {
          ip: Type.Union([Type.String({ format: 'ipv4' }), Type.String({ format: 'ipv6', maxLength: 45 })]),
          port: Type.Integer({ minimum: 1, maximum: 65535 }),
        },
        { additionalProperties: false, description: "where the phone's SIP UA listens; check-sync is sent there (docs/DISCOVERY.md)" },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ReportAccepted = Type.Object({ id: Type.String(), duplicate: Type.Boolean() });

export const AssignLocation = Type.Object(
  { locationId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]) },
  { additionalProperties: false },
);

const AlertView = Type.Object({ code: Type.String(), severity: Type.String(), message: Type.String() });

export const DeviceStatusView = Type.Object({
  mac: Type.String(),
  live: Type.Boolean(),
  lastSeen: Type.Union([Timestamp, Type.Null()]),
  served: Type.Union([
    Type.Object({ file: Type.Union([Type.String(), Type.Null()]), revision: Type.Union([Type.Integer(), Type.Null()]), at: Timestamp }),
    Type.Null(),
  ]),
  applied: Type.Union([Type.Object({ revision: Type.String() }), Type.Null()]),
  firmware: Type.Union([Type.String(), Type.Null()]),
  sip: Type.Union([Type.Unknown(), Type.Null()]),
  network: Type.Union([Type.Unknown(), Type.Null()]),
  checkSync: Type.Optional(
    Type.Union([Type.Unknown(), Type.Null()], { description: 'the last check-sync push since the server started: `{at, contact, contactSource, ignoredContact?, result, nextPushAt?}`; `result.outcome` `disabled-by-site` or `no-contact` says why nothing was sent (docs/DISCOVERY.md)' }),
  ),
  location: Type.Union([
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      status: Type.String(),
      matchedBy: Type.Union([Type.String(), Type.Null()]),
      unresolved: Type.Boolean(),
      locatedBy: Type.Optional(
        Type.Union([Type.Object({ source: Type.String(), at: Type.String(), origin: Type.Optional(Type.String()) }), Type.Null()]),
      ),
    }),
    Type.Null(),
  ]),
  alerts: Type.Array(AlertView),
  loop: Type.Array(
    Type.Object({
      step: Type.String(),
      state: Type.Union([Type.Literal('ok'), Type.Literal('pending'), Type.Literal('failed')]),
      reason: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const AlertsQuery = Type.Object({ siteId: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false });

/** Device items carry `mac` and `deviceId`; switch items `switchId`, `name`, `siteId`, `since`. */
export const AlertsView = Type.Object({
  items: Type.Array(
    Type.Object({
      source: Type.Union([Type.Literal('device'), Type.Literal('switch')], { description: 'what raised the alerts: a device, or a switch polled over SNMP' }),
      mac: Type.Optional(Type.String()),
      deviceId: Type.Optional(Type.String()),
      switchId: Type.Optional(Type.String()),
      name: Type.Optional(Type.String()),
      siteId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      since: Type.Optional(Type.String({ description: 'when the switch began failing' })),
      alerts: Type.Array(AlertView),
    }),
  ),
});

export const FleetStatusView = Type.Object({
  devices: Type.Integer({ minimum: 0 }),
  live: Type.Integer({ minimum: 0 }),
  registered: Type.Integer({ minimum: 0 }),
  located: Type.Integer({ minimum: 0 }),
  alerts: Type.Integer({ minimum: 0 }),
  switchAlerts: Type.Integer({ minimum: 0, description: 'switches whose last poll failed' }),
});

export const PhoneEventParams = Type.Object(
  { key: Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }), event: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

/** `/events/:key`: the event name is in the query (`?event=`). */
export const PhoneEventKeyParams = Type.Object(
  { key: Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

/** Values an action URL may carry; vendors add their own variables, which are ignored. */
export const PhoneEventQuery = Type.Object({
  event: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
  vendor: Type.Optional(Type.String({ maxLength: 16 })),
  state: Type.Optional(Type.String({ maxLength: 32 })),
  mac: Type.Optional(Type.String({ maxLength: 17 })),
  rev: Type.Optional(Type.String({ maxLength: 64 })),
  ip: Type.Optional(Type.String({ maxLength: 64 })),
  firmware: Type.Optional(Type.String({ maxLength: 128 })),
  code: Type.Optional(Type.String({ maxLength: 16 })),
  registrar: Type.Optional(Type.String({ maxLength: 256 })),
  number: Type.Optional(Type.String({ maxLength: 128, description: 'dialled number of an outgoing call' })),
  callid: Type.Optional(Type.String({ maxLength: 128 })),
  sipContact: Type.Optional(
    Type.String({ maxLength: 64, pattern: '^([0-9.]{7,15}|\\[[0-9A-Fa-f:.]{2,45}\\]):[0-9]{1,5}$', description: "<ipv4>:<port> or [<ipv6>]:<port> of the phone's SIP UA" }),
  ),
});
