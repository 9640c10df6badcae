import { Type } from '@sinclair/typebox';
import type { Profile } from '../../domain/profile.ts';
import { Name, Timestamp, Transport } from './common.ts';

const strict = { additionalProperties: false } as const;

const LineKey = Type.Object(
  {
    index: Type.Integer({ minimum: 1, maximum: 256 }),
    type: Type.Union([Type.Literal('line'), Type.Literal('blf'), Type.Literal('speeddial')]),
    value: Type.String({ maxLength: 128 }),
    label: Type.String({ maxLength: 256 }),
  },
  strict,
);

/** `ProfileSettings` of server/provisioning/types.ts as a schema. */
export const ProfileSettings = Type.Object(
  {
    time: Type.Optional(
      Type.Object({ ntp: Type.Optional(Type.String({ maxLength: 255 })), timezone: Type.Optional(Type.String({ maxLength: 64 })) }, strict),
    ),
    network: Type.Optional(
      Type.Object(
        { lldp: Type.Optional(Type.Boolean()), vlan: Type.Optional(Type.Integer({ minimum: 1, maximum: 4094 })) },
        strict,
      ),
    ),
    sip: Type.Optional(
      Type.Object(
        { transport: Type.Optional(Transport), port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })) },
        strict,
      ),
    ),
    keys: Type.Optional(Type.Array(LineKey, { maxItems: 256 })),
    language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' })),
    firmware: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-z0-9-]+/[a-z0-9.-]+$' }),
        Type.Object({ version: Type.String({ maxLength: 64 }), file: Type.String({ maxLength: 255 }) }, strict),
      ),
    ),
    raw: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Record(Type.String({ maxLength: 255 }), Type.String({ maxLength: 4096 }))),
    ),
  },
  strict,
);

export const ProfileCreate = Type.Object(
  { name: Name, parentId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])), settings: ProfileSettings },
  strict,
);

export const ProfilePatch = Type.Object(
  {
    name: Type.Optional(Name),
    parentId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    settings: Type.Optional(ProfileSettings),
  },
  { ...strict, minProperties: 1 },
);

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'the ETag (revision) the change is based on; required' })),
});

export const ProfileView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  settings: ProfileSettings,
  revision: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export function profileView(p: Profile) {
  return { ...p };
}

/** The ETag of a profile: its revision, quoted (RFC 9110 §8.8.3). */
export const etagOf = (p: Profile): string => `"${p.revision}"`;

/** `POST /profiles/preview`: the files a sample phone would get, nothing saved. */
export const ProfilePreviewRequest = Type.Object(
  {
    settings: ProfileSettings,
    parentId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    model: Type.String({ minLength: 1, maxLength: 128, description: 'catalogue id, e.g. yealink/t54w' }),
    siteId: Type.String({ minLength: 1 }),
    file: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'only this file (name as the phone asks, or the catalogue pattern)' })),
  },
  strict,
);

export const ProfilePreviewView = Type.Object({
  model: Type.String(),
  mac: Type.String({ description: 'the sample phone: the model\'s first OUI followed by 000001' }),
  files: Type.Array(
    Type.Object({
      name: Type.String(),
      kind: Type.Union([Type.Literal('device'), Type.Literal('common'), Type.Literal('boot'), Type.Literal('directory')]),
      perDevice: Type.Boolean({ description: 'false: a shared file, served with the site\'s values and no profile' }),
      contentType: Type.String(),
      body: Type.String({ description: 'the rendered file, secrets replaced by ********' }),
    }),
  ),
});
