/**
 * Files the package ships (the seed OpenAPI document, the standard objects, package.json), found
 * from the package's root.
 *
 * The YAML files are read at every start. `npm run build` also writes each as JSON under
 * dist/data/ (scripts/compile-data.mjs): reading that needs neither the YAML parser nor parsing,
 * a fifth of the start-up time. Running from src/ (tests, tsx), the YAML itself is read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const PACKAGE_NAME = 'gainsight-api-server';
const HERE = fileURLToPath(import.meta.url);

/**
 * The package's root directory, with a trailing separator: the nearest directory above this
 * module whose package.json is this package's. Found, not computed from this file's depth: the
 * built program is one bundled file (dist/cli/main.js), while src/ and the library in dist/ are
 * many, at other depths.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(HERE));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir + sep;
    if (dirname(dir) === dir) throw new Error(`${PACKAGE_NAME}: no package.json of this package above ${from}`);
  }
}

/** Running the built code (dist/), which has the JSON copies; src/ reads the YAML. */
const BUILT = HERE.startsWith(`${PACKAGE_ROOT}dist${sep}`);

/** The YAML parser, loaded on first use (its import alone is 100 ms). */
export function yaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}

/** The value of a shipped YAML file; `compiled` names its JSON copy under dist/data/. */
export function readPackageYaml(path: string, compiled: string): unknown {
  const copy = `${PACKAGE_ROOT}dist${sep}data${sep}${compiled}`;
  if (BUILT && existsSync(copy)) return JSON.parse(readFileSync(copy, 'utf8')) as unknown;
  return yaml().parse(readFileSync(path, 'utf8')) as unknown;
}
