import { Type, type Static } from '@sinclair/typebox';

/**
 * THE schema of the vendor catalogue (`firmware-profiles/`). `firmware-profiles/schema.json` is
 * generated from `MODEL_PROFILE_SCHEMA` (a unit test keeps them equal); regenerate with
 *   npx tsx --eval "import('./server/provisioning/catalog-schema.ts').then((m) => process.stdout.write(m.catalogJsonSchemaText()))" > firmware-profiles/schema.json
 *
 * On disk a model may leave fields to defaults files in its vendor folder (`_vendor.json`, and
 * `_<family>.json` for models of that family); the schema describes a model after that merge.
 */

/**
 * Dialect ids and the template names each renders (every `ModelFile.template` must be one of its
 * dialect's). Fixed with the dialect authors; `buildCatalog` can be given the live registry instead.
 */
export const DIALECT_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  yealink: ['boot', 'common', 'device', 'directory'],
  poly: ['master', 'device', 'directory'],
  'cisco-mpp': ['common', 'device', 'directory'],
  'cisco-spa': ['common', 'device'],
  'cisco-sep': ['device', 'common'],
  grandstream: ['device', 'common', 'directory'],
  snom: ['common', 'device', 'directory'],
  fanvil: ['common', 'device'],
  aastra: ['common', 'model', 'device'],
  obihai: ['device'],
};

const Slug = (description: string) =>
  Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 40, description });

export const MODEL_FILE_SCHEMA = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[A-Za-z0-9._{}-]+$',
      description: 'Name as requested; placeholders {mac} {MAC} {model} {MODEL}',
    }),
    kind: Type.Union([Type.Literal('device'), Type.Literal('common'), Type.Literal('boot'), Type.Literal('directory')]),
    template: Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: "A template name of the model's dialect" }),
    secrets: Type.Boolean(),
    optional: Type.Optional(Type.Boolean()),
    encryption: Type.Optional(
      Type.Object(
        {
          scheme: Type.Literal('yealink-aes-128-ecb'),
          keyFile: Type.String({
            minLength: 1,
            maxLength: 255,
            pattern: '^[A-Za-z0-9._-]*\\{(?:mac|MAC)\\}[A-Za-z0-9._-]*$',
            description: 'Name of the file that delivers the per-device key; must carry {mac} or {MAC}',
          }),
          keyWrapKey: Type.String({ pattern: '^[\\x21-\\x7e]{16}$', description: "The phones' built-in 16-character key that unwraps the key file" }),
        },
        { additionalProperties: false, description: 'Served encrypted with a per-device key where the site asks for it (docs/SECURITY.md item 9)' },
      ),
    ),
  },
  { additionalProperties: false },
);

const FIELDS = {
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9._-]*$', description: '<vendor>/<model>: the file path without .json' }),
  vendor: Slug('Vendor id: the folder name'),
  name: Type.String({ minLength: 1, maxLength: 80, description: 'Marketing name' }),
  family: Slug('Series within the vendor'),
  dialect: Type.String({ pattern: '^[a-z][a-z0-9-]*$', description: 'Dialect id (templates/<dialect>/)' }),
  modelToken: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', maxLength: 40, description: 'Lowercase token for {model}' }),
  files: Type.Array(MODEL_FILE_SCHEMA, { minItems: 1, description: 'Files in the order the phone asks for them' }),
  userAgent: Type.Object(
    {
      patterns: Type.Array(Type.String({ minLength: 1 }), {
        description: 'Regular expressions (compiled case-insensitive), named groups mac and firmware',
      }),
      samples: Type.Array(Type.String({ minLength: 1 }), { description: 'User-Agent strings: the test table' }),
      sampleSources: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), { description: 'Parallel to samples: source key, or "synthetic"' }),
      ),
    },
    { additionalProperties: false },
  ),
  lines: Type.Integer({ minimum: 1, maximum: 64 }),
  keys: Type.Integer({ minimum: 0, maximum: 512 }),
  firmware: Type.Optional(
    Type.Object(
      {
        file: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9._()+,-]+$' }),
        version: Type.String({ minLength: 1, maxLength: 80 }),
        sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
      },
      { additionalProperties: false },
    ),
  ),
  dhcpVendorClass: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  oui: Type.Array(Type.String({ pattern: '^[0-9a-f]{6}$' }), { description: 'MAC prefixes, 6 lowercase hex' }),
  notes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Caveats on unverified facts' })),
};

/** A model after defaults are merged: exactly `ModelProfile` of types.ts. */
export const MODEL_PROFILE_SCHEMA = Type.Object(FIELDS, {
  $id: 'https://deskprov.invalid/firmware-profiles/schema.json',
  title: 'deskprov phone model',
  additionalProperties: false,
});

/** A model file as written: `id` is required, the rest may come from defaults files. */
export const MODEL_FILE_ON_DISK_SCHEMA = Type.Intersect([
  Type.Object({ id: FIELDS.id }),
  Type.Partial(Type.Object(FIELDS, { additionalProperties: false })),
]);

const { id: _id, ...DEFAULT_FIELDS } = FIELDS;
/** A defaults file (`_vendor.json`, `_<family>.json`): any model field except `id`. */
export const DEFAULTS_FILE_SCHEMA = Type.Partial(Type.Object(DEFAULT_FIELDS, { additionalProperties: false }));

export type ModelProfileJson = Static<typeof MODEL_PROFILE_SCHEMA>;

/** The text of `firmware-profiles/schema.json`. */
export function catalogJsonSchemaText(): string {
  const doc = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...MODEL_PROFILE_SCHEMA };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
