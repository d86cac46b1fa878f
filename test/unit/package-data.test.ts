/**
 * The JSON copies `npm run build` writes of the shipped YAML (scripts/compile-data.mjs) hold the
 * same values as the YAML: a server started from dist/ reads the copies, tests read the YAML.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const pairs = [
  ['spec/gainsight-rest-api-openapi.yml', 'dist/data/seed-spec.json'],
  ['schemas/standard-objects.yaml', 'dist/data/standard-objects.json'],
] as const;

describe('dist/data: the shipped YAML as JSON', () => {
  it.each(pairs)('%s is %s', (yamlPath, jsonPath) => {
    // npm test builds first (pretest), so the copies exist.
    expect(existsSync(jsonPath)).toBe(true);
    expect(JSON.parse(readFileSync(jsonPath, 'utf8'))).toEqual(parse(readFileSync(yamlPath, 'utf8')));
  });
});
