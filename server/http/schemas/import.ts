import { Type } from '@sinclair/typebox';
import { ExtensionNumber, Name, Role } from './common.ts';

const Line = Type.Integer({ minimum: 1, description: 'the CSV line the row came from (for error reports)' });

const UserRow = Type.Object(
  {
    line: Line,
    kind: Type.Literal('user'),
    name: Name,
    email: Type.String({ minLength: 3, maxLength: 254 }),
    siteId: Type.String({ minLength: 1 }),
    extension: Type.Optional(ExtensionNumber),
    role: Type.Optional(Role),
    licensed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const DeviceRow = Type.Object(
  {
    line: Line,
    kind: Type.Literal('device'),
    mac: Type.String({ minLength: 1, maxLength: 32 }),
    model: Type.String({ minLength: 1, maxLength: 128 }),
    siteId: Type.String({ minLength: 1 }),
    userEmail: Type.Optional(Type.String({ description: 'a user of this file or of the server' })),
    userId: Type.Optional(Type.String({ minLength: 1 })),
    standalone: Type.Optional(Type.Literal(true)),
    label: Type.Optional(Name),
    profileId: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/**
 * `POST /api/v1/import`: users and devices from one CSV file, as JSON rows in file order.
 *
 * ```json
 * {"rows": [
 *   {"line": 2, "kind": "user", "name": "Ana", "email": "ana@example.com", "siteId": "…", "extension": 201},
 *   {"line": 3, "kind": "device", "mac": "00:15:65:aa:bb:cc", "model": "yealink/t54w", "siteId": "…",
 *    "userEmail": "ana@example.com"},
 *   {"line": 4, "kind": "device", "mac": "0015.65aa.bbcd", "model": "yealink/t54w", "siteId": "…",
 *    "standalone": true, "label": "Lobby"}
 * ]}
 * ```
 * A device row names its user by `userEmail` (users created earlier in the same file have no id
 * yet) or `userId`, or is `standalone: true`. Rows are applied in order, each checked against the
 * server plus the rows before it, all in one transaction: every row is validated before anything
 * is kept, and one bad row means nothing is imported.
 * - `201 {imported: {users, devices}}` when every row is good.
 * - `422` `IMPORT_REJECTED` with `error.details.errors: [{line, code, field?, message, details?}]`, one entry
 *   per bad row (a row whose JSON shape is wrong fails the whole request with `400` instead,
 *   `field` naming `rows.<index>.<field>`).
 */
export const ImportBody = Type.Object(
  { rows: Type.Array(Type.Union([UserRow, DeviceRow]), { minItems: 1, maxItems: 10_000 }) },
  { additionalProperties: false },
);

export const ImportResult = Type.Object({
  imported: Type.Object({ users: Type.Integer(), devices: Type.Integer() }),
});
