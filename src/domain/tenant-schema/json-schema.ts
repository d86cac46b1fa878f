/**
 * The schema file's JSON Schema as shipped for editors: the format's declaration (format.ts) with
 * the draft and an id, and the rules a plain schema can say about each type's keywords.
 */
import { SchemaDocumentSchema } from './format.js';

export const SCHEMA_FILE_SCHEMA_ID = 'https://github.com/gainsight-api-server/schemas/gainsight-schema.schema.json';

const needs = (type: string, property: string) => ({
  if: { properties: { type: { const: type } }, required: ['type'] },
  then: { required: [property] },
});

export function schemaFileJsonSchema(): Record<string, unknown> {
  const document = JSON.parse(JSON.stringify(SchemaDocumentSchema)) as Record<string, unknown> & {
    properties: { objects: { patternProperties: Record<string, { properties: { fields: { patternProperties: Record<string, Record<string, unknown>> } } }> } };
  };
  for (const object of Object.values(document.properties.objects.patternProperties)) {
    for (const field of Object.values(object.properties.fields.patternProperties)) {
      field.allOf = [needs('LOOKUP', 'object'), needs('PICKLIST', 'options'), needs('MULTISELECTDROPDOWNLIST', 'options')];
    }
  }
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: SCHEMA_FILE_SCHEMA_ID, ...document };
}
