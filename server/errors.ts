import createError, { type FastifyErrorConstructor } from '@fastify/error';

/**
 * Every error code deskprov can answer with, declared once. A code keeps its meaning forever:
 * scripts match on it. HTTP status and TFTP error number live here and nowhere else.
 * TFTP numbers are RFC 1350 §5: 0 not defined, 1 file not found, 2 access violation,
 * 4 illegal operation, 5 unknown transfer ID, 8 option negotiation refused (RFC 2347).
 */
const table = {
  BAD_REQUEST: { status: 400, tftp: 4, message: '%s' },
  INVALID_MAC: { status: 400, tftp: 1, message: '%s' },
  INVALID_FIELD: { status: 400, tftp: 0, message: '%s' },
  INVALID_JSON: { status: 400, tftp: 0, message: '%s' },
  INVALID_FILE_NAME: { status: 400, tftp: 2, message: '%s' },
  UNKNOWN_TRANSFER_ID: { status: 400, tftp: 5, message: '%s' },
  UNAUTHORIZED: { status: 401, tftp: 2, message: '%s' },
  FORBIDDEN: { status: 403, tftp: 2, message: '%s' },
  NOT_FOUND: { status: 404, tftp: 1, message: '%s' },
  CONFLICT: { status: 409, tftp: 0, message: '%s' },
  DUPLICATE_MAC: { status: 409, tftp: 0, message: '%s' },
  DUPLICATE_EMAIL: { status: 409, tftp: 0, message: '%s' },
  EXTENSION_TAKEN: { status: 409, tftp: 0, message: '%s' },
  EXTENSION_RANGE_FULL: { status: 409, tftp: 0, message: '%s' },
  NUMBER_IN_USE: { status: 409, tftp: 0, message: '%s' },
  PRECONDITION_FAILED: { status: 412, tftp: 0, message: '%s' },
  PRECONDITION_REQUIRED: { status: 428, tftp: 0, message: '%s' },
  PAYLOAD_TOO_LARGE: { status: 413, tftp: 0, message: '%s' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, tftp: 0, message: '%s' },
  RULE_VIOLATION: { status: 422, tftp: 0, message: '%s' },
  UNKNOWN_MODEL: { status: 422, tftp: 0, message: '%s' },
  EXTENSION_OUT_OF_RANGE: { status: 422, tftp: 0, message: '%s' },
  RESTORE_WINDOW_CLOSED: { status: 422, tftp: 0, message: '%s' },
  UNKNOWN_REFERENCE: { status: 422, tftp: 0, message: '%s' },
  IMPORT_REJECTED: { status: 422, tftp: 0, message: '%s' },
  RATE_LIMITED: { status: 429, tftp: 0, message: '%s' },
  INTERNAL: { status: 500, tftp: 0, message: '%s' },
  STORAGE_UNAVAILABLE: { status: 503, tftp: 0, message: '%s' },
  STORAGE_FULL: { status: 507, tftp: 0, message: '%s' },
} as const satisfies Record<string, { status: number; tftp: number; message: string }>;

export type ErrorCode = keyof typeof table;

export const ERROR_CODES = Object.keys(table) as ErrorCode[];

/** HTTP status of a code: the one place codes map to statuses. */
export function httpStatusOf(code: ErrorCode): number {
  return table[code].status;
}

/** RFC 1350 error number to send when a TFTP request fails with this code. */
export function tftpErrorOf(code: ErrorCode): number {
  return table[code].tftp;
}

const constructors = Object.fromEntries(
  ERROR_CODES.map((code) => [code, createError(code, table[code].message, table[code].status)]),
) as Record<ErrorCode, FastifyErrorConstructor>;

/** The one error type: a code, a message for a person, and optionally the field at fault. */
export interface DeskprovError extends Error {
  code: ErrorCode;
  statusCode: number;
  field?: string;
  details?: Record<string, unknown>;
}

export function appError(
  code: ErrorCode,
  message: string,
  extra: { field?: string; details?: Record<string, unknown> } = {},
): DeskprovError {
  const err = new constructors[code](message) as unknown as DeskprovError;
  if (extra.field !== undefined) err.field = extra.field;
  if (extra.details !== undefined) err.details = extra.details;
  return err;
}

export function isAppError(err: unknown): err is DeskprovError {
  return (
    err instanceof Error &&
    typeof (err as { code?: unknown }).code === 'string' &&
    ((err as unknown as { code: string }).code in table)
  );
}

/** The body every error response carries (CONTRACT.md "Errors"). */
export function errorBody(err: DeskprovError): {
  error: { code: string; message: string; field?: string; details?: Record<string, unknown> };
} {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.field !== undefined ? { field: err.field } : {}),
      ...(err.details !== undefined ? { details: err.details } : {}),
    },
  };
}
