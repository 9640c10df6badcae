import { FormatRegistry } from '@sinclair/typebox';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import ipaddr from 'ipaddr.js';
import type { FastifyInstance } from 'fastify';

/**
 * String formats route schemas may use. TypeBox's compiler refuses every value of a format it
 * does not know, so each one a schema names must be registered here.
 */
const FORMATS: Record<string, (value: string) => boolean> = {
  // Deliberately loose (one @, a dot in the domain, no spaces); the domain layer decides the rest.
  email: (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value),
  // RFC 3339 §5.6 date-time, with a zone.
  'date-time': (value) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value)),
  date: (value) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)),
  uri: (value) => URL.canParse(value),
  ipv4: (value) => ipaddr.IPv4.isValidFourPartDecimal(value),
  ipv6: (value) => ipaddr.IPv6.isValid(value),
  uuid: (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
};

/** Registers the string formats once per process (the registry is global to TypeBox). */
export function registerFormats(): void {
  for (const [name, check] of Object.entries(FORMATS)) {
    if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check);
  }
}

/**
 * Validates with TypeBox's compiler instead of fastify's default Ajv: bodies are checked exactly
 * as sent (no type coercion, unknown properties refused rather than silently removed), while
 * query strings and params are converted (`?limit=10` becomes a number) before checking.
 */
export function installValidation(app: FastifyInstance): void {
  registerFormats();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
}
