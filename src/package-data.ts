/**
 * YAML files the package ships and reads at every start (the seed OpenAPI document, the standard
 * objects). `npm run build` also writes each as JSON under dist/data/ (scripts/compile-data.mjs):
 * reading that needs neither the YAML parser nor parsing, a fifth of the start-up time. Running
 * from src/ (tests, tsx), there is no such copy and the YAML is read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The YAML parser, loaded on first use (its import alone is 100 ms). */
export function yaml(): typeof import('yaml') {
  return require('yaml') as typeof import('yaml');
}

/** The value of a shipped YAML file; `compiled` names its JSON copy under dist/data/. */
export function readPackageYaml(path: string, compiled: string): unknown {
  const copy = fileURLToPath(new URL(`./data/${compiled}`, import.meta.url));
  if (existsSync(copy)) return JSON.parse(readFileSync(copy, 'utf8')) as unknown;
  return yaml().parse(readFileSync(path, 'utf8')) as unknown;
}
