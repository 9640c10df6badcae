import { Type } from '@sinclair/typebox';
import type { Site } from '../../domain/site.ts';
import { ExtensionNumber, Name, Timestamp, Transport } from './common.ts';

const Registrar = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    transport: Type.Optional(Transport),
  },
  { additionalProperties: false },
);

const ExtensionRange = Type.Object(
  { first: ExtensionNumber, last: ExtensionNumber },
  { additionalProperties: false },
);

const fields = {
  name: Name,
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' }),
  networks: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 256, description: 'CIDRs, IPv4 or IPv6' }),
  extensionRange: ExtensionRange,
  registrar: Registrar,
  tftpSecrets: Type.Boolean({ description: 'serve files with SIP secrets over TFTP (default false)' }),
  checkSync: Type.Object(
    { allowed: Type.Boolean({ description: 'send SIP NOTIFY check-sync to this site\'s phones after edits (default true)' }) },
    { additionalProperties: false },
  ),
};

export const SiteCreate = Type.Object(
  { ...fields, tftpSecrets: Type.Optional(fields.tftpSecrets), checkSync: Type.Optional(fields.checkSync) },
  { additionalProperties: false },
);

export const SitePatch = Type.Partial(Type.Object(fields, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});

export const SiteView = Type.Object({
  id: Type.String(),
  ...fields,
  registrar: Type.Object({
    host: Type.String(),
    port: Type.Optional(Type.Integer()),
    transport: Type.Optional(Transport),
  }),
  extensionRange: Type.Object({ first: Type.Integer(), last: Type.Integer() }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export function siteView(s: Site) {
  return { ...s };
}
