/**
 * The serving process keeps its heap small (src/cli/heap.ts): the old generation is collected at
 * 1.5x its live size, and every way of starting the server passes SERVE_NODE_FLAGS to node.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVE_NODE_FLAGS } from '../../src/cli/heap.js';

/**
 * The largest heap (MB) of a child node that answers 100 pages the way the server does: 3 MB of
 * text per page, copied into an envelope, held while the next page is made, then dropped.
 */
function peakHeapMb(keepSmall: boolean): number {
  const heap = pathToFileURL('src/cli/heap.ts').href;
  const script = `
    const { keepHeapSmall } = await import(${JSON.stringify(heap)});
    if (${keepSmall}) keepHeapSmall();
    let peak = 0, held = [];
    for (let page = 0; page < 100; page++) {
      const records = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ Gsid: page + '-' + i, Name: 'x'.repeat(500) }));
      held = [('{"records":[' + records.join(',') + ']}').toLowerCase(), records];
      await new Promise((resolve) => setImmediate(resolve));
      peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    console.log(Math.round(peak / 2 ** 20));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return Number(out.trim());
}

describe('the serving process heap', () => {
  it('is collected long before the default growth would: a walk of 3 MB pages peaks far lower', () => {
    const small = peakHeapMb(true);
    const default_ = peakHeapMb(false);
    // Measured: about 75 MB against 110 MB. The bound leaves room for V8's timing.
    expect(small, `peak heap ${small} MB, ${default_} MB by default`).toBeLessThan(default_ * 0.85);
  }, 60_000);

  it('npm start and the container pass SERVE_NODE_FLAGS to node', () => {
    const start = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
    expect(start).toBe(`node ${SERVE_NODE_FLAGS.join(' ')} dist/cli/main.js serve`);
    const entrypoint = readFileSync('Dockerfile', 'utf8').match(/^ENTRYPOINT (.*)$/m)?.[1];
    expect(JSON.parse(entrypoint!)).toEqual(['node', ...SERVE_NODE_FLAGS, 'dist/cli/main.js']);
  });
});
