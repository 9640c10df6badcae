import type { FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { appError } from '../../../../server/errors.ts';
import { fieldOf, toAppError, validationError } from '../../../../server/http/plugins/error-handler.ts';

function fastifyError(fields: Partial<FastifyError>): FastifyError {
  return Object.assign(new Error(fields.message ?? 'x'), fields) as FastifyError;
}

describe('fieldOf', () => {
  it('turns a TypeBox path into a dotted field', () => {
    expect(fieldOf({ instancePath: '/registrar/host' })).toBe('registrar.host');
    expect(fieldOf({ instancePath: '/networks/0' })).toBe('networks.0');
    expect(fieldOf({ instancePath: '/a~1b/c~0d' })).toBe('a/b.c~d');
    expect(fieldOf({})).toBe('');
  });

  it('adds the property Ajv names for missing and unknown properties', () => {
    expect(fieldOf({ instancePath: '', params: { missingProperty: 'name' } })).toBe('name');
    expect(fieldOf({ instancePath: '/registrar', params: { additionalProperty: 'colour' } })).toBe('registrar.colour');
  });
});

describe('validationError', () => {
  it('names the field and its problem', () => {
    const err = validationError(
      fastifyError({ validation: [{ instancePath: '/name', message: 'Expected string' }] as never, validationContext: 'body' }),
      { name: 1 },
    );
    expect(err).toMatchObject({ code: 'INVALID_FIELD', field: 'name', message: 'name: Expected string' });
  });

  it('names the request part when no field is at fault', () => {
    const err = validationError(fastifyError({ validation: [{ instancePath: '', message: 'Expected object' }] as never, validationContext: 'querystring' }), {});
    expect(err.code).toBe('INVALID_FIELD');
    expect(err.field).toBeUndefined();
    expect(err.message).toBe('querystring: Expected object');
  });

  it('asks for a body when none was sent', () => {
    expect(validationError(fastifyError({ validation: [] as never, validationContext: 'body' }), undefined).code).toBe('BAD_REQUEST');
  });
});

describe('toAppError', () => {
  it('keeps deskprov errors as they are', () => {
    const original = appError('DUPLICATE_MAC', 'taken', { field: 'mac' });
    expect(toAppError(original as unknown as FastifyError, {})).toBe(original);
  });

  it('maps fastify body errors to the contract codes', () => {
    expect(toAppError(fastifyError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }), undefined).code).toBe('PAYLOAD_TOO_LARGE');
    expect(toAppError(fastifyError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }), undefined).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(toAppError(fastifyError({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }), undefined).code).toBe('INVALID_JSON');
    expect(toAppError(fastifyError({ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }), undefined).code).toBe('INVALID_JSON');
  });

  it('keeps other client errors as client errors and hides server failures', () => {
    expect(toAppError(fastifyError({ code: 'FST_ERR_BAD_URL', statusCode: 400, message: 'bad url' }), undefined)).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'bad url',
    });
    expect(toAppError(fastifyError({ statusCode: 404, message: 'gone' }), undefined).code).toBe('NOT_FOUND');
    const hidden = toAppError(fastifyError({ message: 'SQLITE_CORRUPT at /secret/path' }), undefined);
    expect(hidden).toMatchObject({ code: 'INTERNAL', statusCode: 500 });
    expect(hidden.message).not.toContain('/secret/path');
  });
});
