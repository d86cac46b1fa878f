/** The seed OpenAPI document shipped in `spec/`: the source of truth for the seed surface. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readPackageYaml } from './package-data.js';

// Both src/spec.ts and dist/spec.js sit one level below the package root.
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SEED_SPEC_PATH = `${PACKAGE_ROOT}spec/gainsight-rest-api-openapi.yml`;

export function loadSeedSpec(): Record<string, unknown> {
  return readPackageYaml(SEED_SPEC_PATH, 'seed-spec.json') as Record<string, unknown>;
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version: string };
  return pkg.version;
}
