import { describe, expect, it } from 'vitest';
import { lazySerializerFactory } from '../../../server/http/lazy-serializers.ts';

const route = (schema: unknown) => ({ method: 'GET', url: '/x', httpStatus: '200', schema });

describe('lazy response serializers', () => {
  it('serialize as fastify does: only the fields the schema names, so a secret never leaks', () => {
    const compile = lazySerializerFactory()();
    const serialize = compile(route({ type: 'object', properties: { mac: { type: 'string' }, n: { type: 'integer' } } }));
    expect(serialize({ mac: '001122334455', n: 3, secret: 'must-not-appear' })).toBe('{"mac":"001122334455","n":3}');
    expect(serialize({ mac: 'a', n: 4 })).toBe('{"mac":"a","n":4}');
  });

  it('build a route serializer on its first use, not when the route is registered', () => {
    const compile = lazySerializerFactory()();
    // A schema that cannot compile: registering it is fine, the first answer fails.
    const serialize = compile(route({ type: 'object', properties: { a: { $ref: '#/definitions/missing' } } }));
    expect(() => serialize({ a: 1 })).toThrow();
  });

  it('resolve shared schemas given to the factory', () => {
    const compile = lazySerializerFactory()({ shared: { $id: 'shared', type: 'object', properties: { id: { type: 'string' } } } });
    const serialize = compile(route({ $ref: 'shared#' }));
    expect(serialize({ id: 'x', other: 1 })).toBe('{"id":"x"}');
  });
});
