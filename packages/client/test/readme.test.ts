/**
 * The ```ts examples of packages/client/README.md, each type-checked against the client's sources
 * and then run as its own Node program against a live server: an example that no longer compiles,
 * throws, or exits non-zero fails here. The examples' base URL `http://127.0.0.1:8080` is
 * replaced by the live server's, and the key comes in GS_ACCESS_KEY as the README says.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY, startLiveServer, type LiveServer } from './helpers/live-server.js';

const PACKAGE_ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const REPO_ROOT = resolve(PACKAGE_ROOT, '../..');
const CLIENT_ENTRY = join(PACKAGE_ROOT, 'src/index.ts');
const README_BASE_URL = 'http://127.0.0.1:8080';

interface Example {
  readonly index: number;
  /** 1-based line of the README where the block's code starts. */
  readonly line: number;
  readonly code: string;
}

function readmeExamples(): Example[] {
  const text = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
  const examples: Example[] = [];
  const fence = /^```ts\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(text); match; match = fence.exec(text)) {
    const line = text.slice(0, match.index).split('\n').length + 1;
    examples.push({ index: examples.length + 1, line, code: match[1]! });
  }
  return examples;
}

const examples = readmeExamples();
let server: LiveServer;
let workDir: string;

beforeAll(async () => {
  server = await startLiveServer();
  workDir = mkdtempSync(join(tmpdir(), 'gs-client-readme-'));
});
afterAll(async () => {
  await server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [file], {
      env: { ...process.env, GS_ACCESS_KEY: ACCESS_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('README examples', () => {
  it('has the examples it documents', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const example of examples) expect(example.code).toContain(`from 'gainsight-api-client'`);
  });

  it('type-check against the client (strict, Node and DOM types)', () => {
    const files = examples.map((example) => {
      const file = join(workDir, `example-${example.index}.mts`);
      writeFileSync(file, example.code);
      return file;
    });
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: ['node'],
      typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      paths: { 'gainsight-api-client': [CLIENT_ENTRY] },
    });
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file
        ? `${diagnostic.file.fileName.replace(workDir, 'README')}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}`
        : '';
      return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  for (const example of examples) {
    it(`example ${example.index} (README line ${example.line}) runs against a live server`, async () => {
      const bundled = await build({
        stdin: {
          contents: example.code.replaceAll(README_BASE_URL, server.url),
          loader: 'ts',
          resolveDir: PACKAGE_ROOT,
          sourcefile: `README.md:${example.line}`,
        },
        alias: { 'gainsight-api-client': CLIENT_ENTRY },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        write: false,
        logLevel: 'silent',
      });
      const file = join(workDir, `example-${example.index}.mjs`);
      writeFileSync(file, bundled.outputFiles[0]!.text);
      const result = await run(file);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).not.toBe('');
    }, 60_000);
  }
});
