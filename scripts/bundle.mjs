// Part of `npm run build`: the command-line program (dist/cli/main.js, the server's entry point)
// as one file. Started from ~300 modules, Node spends most of the start resolving, reading and
// linking them (profiled: over half of the time to the first /healthz); one bundled file starts
// in about half the time. The rest of dist/ stays as tsc wrote it (the library's modules).
//
// Left outside the bundle: better-sqlite3 (a native addon), pg (loaded only for PostgreSQL) and
// yaml (loaded only to read schema files), ioredis (loaded only when rate limits count in Redis).
import { renameSync } from 'node:fs';
import { build } from 'esbuild';

// Bundled from the TypeScript sources (esbuild reads them as tsc does), not from tsc's output:
// tsc skips writing files it finds unchanged, and would leave the previous bundle as the entry.
// The sandbox journal's worker thread is a second entry: the program starts it from the file
// beside itself (api/sandbox/journal-worker-sink.ts).
const entries = [
  ['../src/cli/main.ts', '../dist/cli/main.js'],
  ['../src/api/sandbox/journal-worker.ts', '../dist/cli/journal-worker.js'],
];
for (const [source, output] of entries) await bundle(new URL(source, import.meta.url).pathname, new URL(output, import.meta.url).pathname);

async function bundle(entry, target) {
  const bundled = `${target}.bundle`;
  await build({
    entryPoints: [entry],
    outfile: bundled,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['better-sqlite3', 'pg', 'yaml', 'ioredis'],
    // Bundled CommonJS modules (Fastify, Ajv, pino) call require() for Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
    legalComments: 'none',
  });
  renameSync(bundled, target);
}
