/**
 * Response serializers (fast-json-stringify, one per route and status) compiled when a route
 * first answers with that status, instead of all of them while the app starts: compiling the
 * hundred or so took a tenth of the time to the first /healthz. The first answer of each pays
 * its compile (about a millisecond); the code serializing is Fastify's own.
 */
import fastJson, { type Options } from 'fast-json-stringify';

type Serializer = (data: unknown) => string;

export function lazySerializers(externalSchemas: unknown, serializerOptions: Options | undefined) {
  const options: Options = { ...serializerOptions, schema: externalSchemas as Options['schema'] };
  return ({ schema }: { schema?: unknown }): Serializer => {
    let serialize: Serializer | undefined;
    return (data) => (serialize ??= fastJson(schema as object, options) as Serializer)(data);
  };
}
