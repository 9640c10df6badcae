import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { SerializerFactory } from '@fastify/fast-json-stringify-compiler';

/**
 * fastify's own response serializer factory, building each route's serializer on its first use
 * instead of at start: compiling the response schemas of the admin API was the largest part of
 * start-up (docs/PERFORMANCE.md "Start"), and most routes are never called in a given run.
 * The serializers are fastify's, unchanged; only their build is deferred.
 */
export function lazySerializerFactory(): SerializerFactory {
  const eager = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = eager(externalSchemas, options);
    return (route) => {
      let serialize: ((doc: unknown) => string) | undefined;
      return (doc) => (serialize ??= compile(route))(doc);
    };
  };
}
