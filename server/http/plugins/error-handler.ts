import fp from 'fastify-plugin';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { appError, errorBody, isAppError, type DeskprovError } from '../../errors.ts';

/** Fastify's own error codes and the deskprov code each becomes (CONTRACT.md "Errors"). */
const FASTIFY_CODES: Record<string, (err: FastifyError) => DeskprovError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => appError('PAYLOAD_TOO_LARGE', 'the request body is larger than the limit'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    appError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => appError('INVALID_JSON', 'the body is not valid JSON'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    appError('INVALID_JSON', 'the body is empty but the content type says JSON'),
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

/**
 * The field a schema error points at, as a dotted path (`registrar.host`, `networks.0`). TypeBox
 * names the property in the path; Ajv names missing and unknown properties in `params`.
 */
export function fieldOf(issue: ValidationIssue): string {
  const segments = (issue.instancePath ?? '').split('/').filter((part) => part !== '');
  const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
  if (extra !== undefined) segments.push(extra);
  return segments.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

/** A schema validation failure as the contract's INVALID_FIELD (or BAD_REQUEST without a body). */
export function validationError(err: FastifyError, body: unknown): DeskprovError {
  const issue: ValidationIssue = err.validation?.[0] ?? {};
  const field = fieldOf(issue);
  const where = err.validationContext ?? 'body';
  if (where === 'body' && body === undefined) {
    return appError('BAD_REQUEST', 'a JSON body is required');
  }
  const what = field === '' ? where : field;
  return appError('INVALID_FIELD', `${what}: ${issue.message ?? 'is invalid'}`, field === '' ? {} : { field });
}

/** Any thrown value as a DeskprovError; unknown failures become INTERNAL without their details. */
export function toAppError(err: FastifyError, body: unknown): DeskprovError {
  if (isAppError(err)) return err;
  if (err.validation !== undefined) return validationError(err, body);
  const mapped = err.code === undefined ? undefined : FASTIFY_CODES[err.code];
  if (mapped) return mapped(err);
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return status === 404 ? appError('NOT_FOUND', err.message) : appError('BAD_REQUEST', err.message);
  }
  return appError('INTERNAL', 'internal error; the server log has the details');
}

function send(request: FastifyRequest, reply: FastifyReply, err: DeskprovError): FastifyReply {
  if (err.code === 'UNAUTHORIZED') {
    // RFC 6750 §3: a 401 names the scheme; `invalid_token` only when a token was presented.
    const presented = request.headers.authorization !== undefined;
    reply.header('www-authenticate', presented ? 'Bearer realm="deskprov", error="invalid_token"' : 'Bearer realm="deskprov"');
  }
  return reply.status(err.statusCode).type('application/json; charset=utf-8').send(errorBody(err));
}

/**
 * The one place errors become responses: every error, whoever threw it, leaves as
 * `{"error":{"code","message","field?"}}` with the status its code has in server/errors.ts.
 */
const errorHandlerPlugin: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const err = toAppError(error, request.body);
    if (err.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: err.code }, 'request refused');
    return send(request, reply, err);
  });

  app.setNotFoundHandler((request, reply) =>
    send(request, reply, appError('NOT_FOUND', `no route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}`)),
  );
};

export const errorHandler = fp(errorHandlerPlugin, { fastify: '5.x', name: 'deskprov-error-handler' });
