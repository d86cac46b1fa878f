/**
 * Several nodes sharing one rate-limit budget: real listening servers (one per node, each with
 * its own store and counter over the shared place), and a burst of concurrent calls spread over
 * them.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import type { RateCounter, RateLimitPolicy } from '../../src/domain/rate-limits.js';
import { buildApp } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';
import { BOOTSTRAP_KEY } from './app.js';

export interface Node {
  readonly app: FastifyInstance;
  readonly url: string;
}

/** A listening node over `store`, counting in `counter`, on the clock `now`. */
export async function startNode(store: Store, policy: RateLimitPolicy, counter: RateCounter, now: () => number): Promise<Node> {
  const accessKeys = createAccessKeyService(store.keys, { bootstrapKey: BOOTSTRAP_KEY });
  const app = await buildApp({ store, accessKeys, rateLimit: { policy, counter, now } });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url };
}

/** `calls` concurrent GETs, dealt round-robin to the nodes; the statuses each node answered. */
export async function burst(nodes: readonly Node[], calls: number, key = BOOTSTRAP_KEY): Promise<{ statuses: number[]; perNode: Record<number, number>[] }> {
  const perNode = nodes.map(() => ({}) as Record<number, number>);
  const statuses = await Promise.all(
    Array.from({ length: calls }, async (_, i) => {
      const node = i % nodes.length;
      const response = await fetch(`${nodes[node]!.url}/v1/companies?pageSize=1`, { headers: { accesskey: key } });
      await response.arrayBuffer();
      perNode[node]![response.status] = (perNode[node]![response.status] ?? 0) + 1;
      if (response.status === 429 && !/^\d+$/.test(response.headers.get('retry-after') ?? '')) throw new Error('429 without Retry-After');
      return response.status;
    }),
  );
  return { statuses, perNode };
}

export function countOf(statuses: readonly number[], status: number): number {
  return statuses.filter((s) => s === status).length;
}

/**
 * A burst of 300 calls over nodes sharing the 100-a-minute budget (GAINSIGHT_RATE_LIMITS):
 * exactly 100 answered and 200 refused, and every node both answered and refused, so the budget
 * is one, not one per node. Logs the counts under `label`.
 */
export async function expectOneSharedBudget(nodes: readonly Node[], label: string): Promise<void> {
  const { statuses, perNode } = await burst(nodes, 300);
  console.info(`[${label}] 300 calls on ${nodes.length} nodes sharing 100/min: ${countOf(statuses, 200)} answered, ${countOf(statuses, 429)} refused with 429; per node ${JSON.stringify(perNode)}`);
  expect(countOf(statuses, 200)).toBe(100);
  expect(countOf(statuses, 429)).toBe(200);
  for (const node of perNode) {
    expect(node[200]).toBeGreaterThan(0);
    expect(node[429]).toBeGreaterThan(0);
  }
}
