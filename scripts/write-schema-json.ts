/**
 * Writes `schemas/gainsight-schema.schema.json`, the JSON Schema of schema files that editors use,
 * from its one declaration (src/domain/tenant-schema/format.ts). `npm run schema:json`; a test
 * fails when the committed file and the declaration differ.
 */
import { writeFileSync } from 'node:fs';
import { schemaFileJsonSchema } from '../src/domain/tenant-schema/json-schema.js';
import { SCHEMA_FILE_JSON_SCHEMA_PATH } from '../src/schema/files.js';

writeFileSync(SCHEMA_FILE_JSON_SCHEMA_PATH, `${JSON.stringify(schemaFileJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${SCHEMA_FILE_JSON_SCHEMA_PATH}\n`);
