/**
 * The committed openapi.json and generated types must be what the routes produce today: a route
 * added or changed without `npm run client:types` fails here, naming the command.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_OPENAPI_PATH, CLIENT_TYPES_PATH, generateClientFiles } from '../../../scripts/generate-client-types.js';

function firstDifference(committed: string, fresh: string): string {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  committed: ${a[i] ?? '(end of file)'}\n  generated: ${b[i] ?? '(end of file)'}`;
  }
  return 'no difference';
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

describe('generated client files', () => {
  it('are up to date with the server\'s OpenAPI document', async () => {
    const fresh = await generateClientFiles();
    for (const [path, content] of [
      [CLIENT_OPENAPI_PATH, fresh.openApiJson],
      [CLIENT_TYPES_PATH, fresh.typesTs],
    ] as const) {
      const committed = readOrEmpty(path);
      if (committed !== content) {
        expect.fail(`${path} is stale: run npm run client:types (and commit the result).\nFirst difference at ${firstDifference(committed, content)}`);
      }
    }
  }, 60_000);
});
