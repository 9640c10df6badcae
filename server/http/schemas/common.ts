import { type TSchema, Type } from '@sinclair/typebox';

/** The error body every failure carries (CONTRACT.md "Errors", rendered by the error handler). */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      field: Type.Optional(Type.String()),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorResponse' },
);

/** Response schemas for the listed error statuses. */
export function errors(...statuses: number[]): Record<number, typeof ErrorResponse> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorResponse]));
}

/**
 * Paging of every list endpoint: `limit` (1-500, default 50) and `offset` (default 0). The answer
 * is `{items, total, next}` where `next` is the offset of the following page, or null at the end.
 */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer({ minimum: 0 }),
    next: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  });
}

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

/** Names and labels: any printable text; control characters and over-long text are refused by the domain. */
export const Name = Type.String({ minLength: 1, description: 'printable text, at most 256 characters' });

export const ExtensionNumber = Type.Integer({ minimum: 1, maximum: 999_999_999 });

export const ExtensionRef = Type.Object({ number: ExtensionNumber });

export const Timestamp = Type.String({ format: 'date-time' });

export const Role = Type.Union([
  Type.Literal('super-admin'),
  Type.Literal('admin'),
  Type.Literal('installer'),
  Type.Literal('user'),
]);

export const Transport = Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Literal('tls')]);
