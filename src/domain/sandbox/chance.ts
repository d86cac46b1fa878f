/**
 * Seeded decisions for fault rules with a `probability`: whether the rule fires on the n-th
 * request it matches depends only on (seed, n), so the same sequence of requests meets the same
 * faults on every run and every node (n is counted in the database).
 */

/** A 32-bit mix of the seed and n (splitmix32-style), as a number in [0, 1). */
export function unitFor(seed: number, n: number): number {
  let x = (Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul(n | 0, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  return x / 4294967296;
}

/** True when a rule with this probability and seed fires on the n-th request it matches (n from 1). */
export function firesOn(probability: number, seed: number, n: number): boolean {
  if (probability >= 1) return true;
  if (probability <= 0) return false;
  return unitFor(seed, n) < probability;
}
