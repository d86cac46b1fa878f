/**
 * How the serving process keeps its heap small (the goal: under 200 MB resident serving a million records).
 *
 * V8 lets the old generation grow to a multiple (up to 4x) of what a full collection found alive
 * before it collects again. A server's live heap is small (20-35 MB) but its answers are not: an
 * NXT page of 5,000 records is 3 MB of text, copied into the envelope and into a buffer, and those
 * outlive a young-generation collection. With the default factor a sync job's pages piled up as
 * garbage to a heap of 125 MB before V8 collected; at 1.5x it stays under 100 MB and settles
 * under 70. A full collection of so small a live heap takes about 12 ms, one every 15 pages or so.
 *
 * `--max-semi-space-size` (the young generation) can only be set when node starts, so it is in
 * SERVE_NODE_FLAGS, which `npm start`, the container and the benchmark pass to node.
 *
 * Measured on 1M companies (wrk on by id and page 0, 100 NXT pages, the reports): the server's
 * peak RSS was 246 MB with neither, 214 MB with the factor, 187 MB with both. The cost, in
 * alternating runs: GET by id about 3% fewer requests/s (within this machine's noise), durable
 * POSTs about 4% fewer (a write allocates more per request, so it meets more collections).
 */
import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to 1.5x its live size before a full collection. */
const HEAP_GROWING_PERCENT = 50;

/** Node flags the server is launched with: the young generation's semi-spaces at 8 MB (16 by default). */
export const SERVE_NODE_FLAGS = ['--max-semi-space-size=8'] as const;

/** Applies the heap growing factor to this process (V8 reads it at every full collection). */
export function keepHeapSmall(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
