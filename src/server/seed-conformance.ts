/**
 * Start-up check that the server still covers the seed contract: every seed operation exists
 * with its operationId, and every property of the seed's schemas is a field of ours with a
 * compatible type. A mismatch is a programming error, so it fails loudly at start, not quietly
 * in a client.
 */
import type { ObjectDescription, FieldType } from '../domain/object-model.js';
import type { RouteSpec } from './route-spec.js';

type SeedSchema = { properties?: Record<string, { type?: string; format?: string }>; required?: string[] };

const COMPATIBLE: Record<FieldType, { type: string; format?: string }> = {
  gsid: { type: 'string' },
  string: { type: 'string' },
  email: { type: 'string', format: 'email' },
  number: { type: 'number' },
  integer: { type: 'integer' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
  boolean: { type: 'boolean' },
};

export function checkSeedConformance(
  seed: Record<string, unknown>,
  routes: readonly RouteSpec[],
  objectsBySchema: Readonly<Record<string, ObjectDescription>>,
): string[] {
  const problems: string[] = [];
  const paths = (seed.paths ?? {}) as Record<string, Record<string, { operationId?: string }>>;
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const route = routes.find((r) => r.path === path && r.method === method.toUpperCase());
      if (!route) problems.push(`seed operation ${method.toUpperCase()} ${path} has no route`);
      else if (route.operationId !== operation.operationId) {
        problems.push(`${method.toUpperCase()} ${path}: operationId ${route.operationId}, seed says ${operation.operationId}`);
      } else if (route.extension) problems.push(`${route.operationId} is a seed operation but is marked as an extension`);
    }
  }
  const schemas = ((seed.components as { schemas?: Record<string, SeedSchema> } | undefined)?.schemas ?? {});
  for (const [schemaName, object] of Object.entries(objectsBySchema)) {
    const schema = schemas[schemaName];
    if (!schema) {
      problems.push(`seed has no schema ${schemaName}`);
      continue;
    }
    for (const [property, seedType] of Object.entries(schema.properties ?? {})) {
      const field = object.fieldByName.get(property);
      if (!field) {
        problems.push(`${schemaName}.${property} is in the seed but not a field of ${object.name}`);
        continue;
      }
      const ours = COMPATIBLE[field.type];
      if (ours.type !== seedType.type || (seedType.format !== undefined && seedType.format !== ours.format)) {
        problems.push(`${schemaName}.${property}: seed type ${seedType.type}/${seedType.format ?? '-'}, ours ${field.type}`);
      }
    }
    for (const required of schema.required ?? []) {
      if (!object.fieldByName.get(required)?.required) problems.push(`${schemaName}.${required} is required by the seed but not by us`);
    }
  }
  return problems;
}
