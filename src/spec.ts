/** The seed OpenAPI document shipped in `spec/`: the source of truth for the seed surface. */
import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT, readPackageYaml } from './package-data.js';
export const SEED_SPEC_PATH = `${PACKAGE_ROOT}spec/gainsight-rest-api-openapi.yml`;

export function loadSeedSpec(): Record<string, unknown> {
  return readPackageYaml(SEED_SPEC_PATH, 'seed-spec.json') as Record<string, unknown>;
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version: string };
  return pkg.version;
}
