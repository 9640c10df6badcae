import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { LOG_LEVELS, listenAddress } from './config.ts';

/**
 * The JSON config file of `deskprov serve --config <file>` (docs/DEPLOY.md "Config file"): the
 * same settings as the flags and DESKPROV_* variables, plus limits. Flags beat the environment,
 * the environment beats the file, the file beats the defaults. The published JSON Schema
 * (docs/deskprov.schema.json) is this TypeBox schema, written out by scripts/write-config-schema.ts.
 */

const listen = (what: string, off: boolean) =>
  Type.String({ minLength: 1, description: `${what} listener, host:port or [v6]:port${off ? ', or "off"' : ''}` });
const positive = (description: string) => Type.Integer({ minimum: 1, description });

export const ConfigFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'where editors find this schema' })),
    data: Type.Optional(Type.String({ minLength: 1, description: 'data folder (DESKPROV_DATA); relative to the working directory' })),
    http: Type.Optional(listen('HTTP (DESKPROV_HTTP)', false)),
    https: Type.Optional(listen('HTTPS (DESKPROV_HTTPS)', true)),
    tftp: Type.Optional(listen('TFTP (DESKPROV_TFTP)', true)),
    publicUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'base URL phones are told to use (DESKPROV_PUBLIC_URL)' })),
    discovery: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'interface names for mDNS and SIP PnP (DESKPROV_DISCOVERY); empty: off' }),
    ),
    log: Type.Optional(Type.Union(LOG_LEVELS.map((level) => Type.Literal(level)), { description: 'log level (DESKPROV_LOG)' })),
    phoneSecurity: Type.Optional(
      Type.Object(
        {
          clientCaFiles: Type.Optional(
            Type.Array(Type.String({ minLength: 1 }), {
              description: 'PEM files of vendor CAs; HTTPS then asks phones for their factory certificate (relative to the working directory)',
            }),
          ),
          certificateSites: Type.Optional(
            Type.Array(Type.String({ minLength: 1 }), { description: 'site ids (or "*") whose phones must authenticate with a vendor certificate' }),
          ),
          encryptedFileSites: Type.Optional(
            Type.Array(Type.String({ minLength: 1 }), { description: 'site ids (or "*") whose phones get encrypted config files where the model supports it' }),
          ),
        },
        { additionalProperties: false, description: 'client certificates and encrypted files (docs/SECURITY.md)' },
      ),
    ),
    emergency: Type.Optional(
      Type.Object(
        {
          extraNumbers: Type.Optional(
            Type.Array(Type.String({ pattern: '^[0-9*#]{2,15}$' }), {
              maxItems: 20,
              description: 'numbers told as emergency calls besides the defaults of the location\'s country (docs/E911.md)',
            }),
          ),
          dialPrefixes: Type.Optional(
            Type.Array(Type.String({ pattern: '^[0-9*#]{1,4}$' }), {
              maxItems: 5,
              description: 'outside-line prefixes the PBX takes before an emergency number, e.g. "9" for 9911',
            }),
          ),
        },
        { additionalProperties: false, description: "emergency-call notification, Kari's Law (docs/E911.md)" },
      ),
    ),
    limits: Type.Optional(
      Type.Object(
        {
          bodyLimit: Type.Optional(positive('largest request body accepted, bytes')),
          requestTimeoutMs: Type.Optional(positive('a request must arrive completely within this many ms')),
          keepAliveTimeoutMs: Type.Optional(positive('idle keep-alive connections are closed after this many ms')),
          retentionIntervalMs: Type.Optional(positive('how often expired restorable bindings are purged, ms')),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, title: 'deskprov configuration', description: 'deskprov serve --config <file>' },
);

export type ConfigFile = Static<typeof ConfigFileSchema>;

export type ConfigFileResult = { ok: true; file: ConfigFile } | { ok: false; errors: string[] };

/** `/limits/bodyLimit` → `limits.bodyLimit`. */
const keyOf = (path: string): string => path.replace(/^\//, '').replace(/\//g, '.');

/** Parses and checks the file's text; every problem names the file and the key. */
export function parseConfigFile(text: string, source: string): ConfigFileResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`${source}: not valid JSON (${(err as Error).message})`] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: [`${source}: must be a JSON object`] };
  }
  const errors = [...Value.Errors(ConfigFileSchema, value)].map((e) =>
    e.message === 'Unexpected property' ? `${source}: unknown key "${keyOf(e.path)}"` : `${source}: "${keyOf(e.path)}": ${e.message}`,
  );
  if (errors.length > 0) return { ok: false, errors };
  const file = value as ConfigFile;
  for (const key of ['http', 'https', 'tftp'] as const) {
    const raw = file[key];
    if (raw !== undefined && !(key !== 'http' && raw === 'off')) listenAddress(`${source}: "${key}"`, raw, errors);
  }
  if (file.publicUrl !== undefined && !URL.canParse(file.publicUrl)) errors.push(`${source}: "publicUrl": "${file.publicUrl}" is not a URL`);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, file };
}

/** The published JSON Schema text (docs/deskprov.schema.json): TypeBox's own symbols dropped. */
export function configFileJsonSchema(): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...ConfigFileSchema };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
