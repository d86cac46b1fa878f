/**
 * One fuzz suite per surface: a target per backend, one property over the surface's operations
 * (as served: a new route on the surface is fuzzed without a line here), a summary printed at
 * the end (cases, statuses, accepted and rejected per operation).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { createFuzzTarget, fuzzParameters, runsFor, type FuzzRequest, type FuzzTarget, type Operation } from './harness.js';
import { requestsFor } from './operations.js';

export interface SurfaceOptions {
  /** Which served operations belong to this surface. */
  readonly includes: (operation: Operation) => boolean;
  /** Cases per backend in CI (PostgreSQL runs a fifth; FUZZ_RUNS overrides). */
  readonly ciRuns: number;
  /** More requests to mix in (unknown paths). */
  readonly extra?: (target: FuzzTarget) => fc.Arbitrary<FuzzRequest>;
}

export function fuzzSurface(title: string, options: SurfaceOptions): void {
  describeEachBackend(`fuzz: ${title}`, (backend) => {
    let target: FuzzTarget;
    beforeAll(async () => {
      target = await createFuzzTarget(backend);
    });
    afterAll(async () => {
      if (target) {
        console.info(`fuzz ${title} [${backend.name}]: ${target.summary()}`);
        await target.close();
      }
    });

    it('never answers 5xx, always answers an envelope, and changes the store exactly as answered', async () => {
      const operations = target.operations.filter(options.includes);
      expect(operations.length, 'the surface serves operations').toBeGreaterThan(0);
      const requests = requestsFor(target, operations);
      const arbitrary = options.extra ? fc.oneof({ arbitrary: requests, weight: 9 }, { arbitrary: options.extra(target), weight: 1 }) : requests;
      const runs = runsFor(backend, options.ciRuns);
      await fc.assert(
        fc.asyncProperty(arbitrary, (request) => target.send(request)),
        fuzzParameters(`${title} [${backend.name}]`, runs),
      );
      expect(target.stats.serverErrors).toBe(0);
      // Every operation was reached (when there were cases enough for all of them).
      if (runs >= 10 * operations.length && !process.env.FUZZ_PATH) {
        for (const op of operations) expect(target.stats.byOperation.has(op.operationId), op.operationId).toBe(true);
      }
    }, 600_000);
  });
}
