// Part of `npm run build`: the YAML the server reads at every start (the seed OpenAPI document,
// the standard objects) as JSON under dist/data/, so that starting needs neither the YAML parser
// nor parsing (together a fifth of the start-up time). Running from src/ (tests, tsx) reads the
// YAML itself; a test checks that both give the same value.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url);
const out = new URL('dist/data/', root);
mkdirSync(out, { recursive: true });
for (const [source, target] of [
  ['spec/gainsight-rest-api-openapi.yml', 'seed-spec.json'],
  ['schemas/standard-objects.yaml', 'standard-objects.json'],
]) {
  writeFileSync(new URL(target, out), JSON.stringify(parse(readFileSync(new URL(source, root), 'utf8'))));
}
