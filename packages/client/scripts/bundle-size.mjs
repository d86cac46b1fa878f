/**
 * The client as a browser would load it: bundled by esbuild for platform=browser, minified, ES
 * module. `npm run size -w gainsight-api-client` prints its size, raw and gzipped (the numbers in
 * README.md); the browser-bundle test bundles it the same way, so a Node-only import fails there.
 */
import { build } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** @returns {Promise<{ code: string, bytes: number, gzipBytes: number, inputs: string[] }>} */
export async function bundleForBrowser() {
  const result = await build({
    entryPoints: [resolve(PACKAGE_ROOT, 'src/index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  return {
    code,
    bytes: Buffer.byteLength(code),
    gzipBytes: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys(result.metafile.inputs),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { bytes, gzipBytes } = await bundleForBrowser();
  process.stdout.write(`browser bundle (esbuild, platform=browser, minified, ESM): ${bytes} bytes, ${gzipBytes} bytes gzipped\n`);
}
