import { randomFillSync } from 'node:crypto';
import { sha256 } from './sha256.js';

/**
 * Gsids are 36 upper-case letters and digits, like real Gainsight ids. The first 9 characters
 * encode the creation time in milliseconds (base 36), so ids created later sort later and new
 * rows land at the right edge of the primary-key index; the other 27 are random (about 139 bits),
 * so API nodes never need to coordinate and an id is never handed out twice in practice.
 *
 * Within one process ids are also monotonic (as in ULID's monotonic mode): an id created in the
 * same millisecond as the previous one is the previous one plus one, so records created in quick
 * succession keep their creation order in lists (ordered by CreatedDate, then Gsid).
 */
export const GSID_LENGTH = 36;
export const GSID_PATTERN = /^[0-9A-Z]{36}$/;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const TIME_LENGTH = 9;
const RANDOM_LENGTH = GSID_LENGTH - TIME_LENGTH;

// Random bytes are drawn in blocks: one getrandom call per ~100 ids instead of one per id.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomIndex(): number {
  for (;;) {
    if (poolOffset >= pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const byte = pool[poolOffset++]!;
    // 252 = 7 * 36: rejecting the last 4 byte values keeps every character equally likely.
    if (byte < 252) return byte % 36;
  }
}

/** A source of uniformly distributed integers in [0, 36); the default is the OS's CSPRNG. */
export type IndexSource = () => number;

export function isGsid(value: unknown): value is string {
  return typeof value === 'string' && GSID_PATTERN.test(value);
}

function timePart(ms: number): string {
  return ms.toString(36).toUpperCase().padStart(TIME_LENGTH, '0').slice(-TIME_LENGTH);
}

/** Adds one to a base-36 digit string (the random part never realistically overflows). */
function increment(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    const value = ALPHABET.indexOf(chars[i]!);
    if (value < 35) {
      chars[i] = ALPHABET[value + 1]!;
      return chars.join('');
    }
    chars[i] = '0';
  }
  throw new Error('Gsid random part overflowed');
}

let lastTime = -1;
let lastRandom = '';

/** A new Gsid for a record created at `now`, monotonic within this process. */
export function newGsid(now: number = Date.now()): string {
  if (now <= lastTime) {
    lastRandom = increment(lastRandom);
  } else {
    lastTime = now;
    lastRandom = '';
    for (let i = 0; i < RANDOM_LENGTH; i++) lastRandom += ALPHABET[randomIndex()];
  }
  return timePart(lastTime) + lastRandom;
}

/** A Gsid from a caller's random source (seeded data): same source, same ids. */
export function seededGsid(now: number, nextIndex: IndexSource): string {
  let id = timePart(now);
  for (let i = 0; i < RANDOM_LENGTH; i++) id += ALPHABET[nextIndex()];
  return id;
}

/**
 * A Gsid derived from a text (sha256), the same on every node and every run: the ids of things
 * a schema declares (picklist options, dropdown categories) must not change between starts.
 */
export function derivedGsid(text: string): string {
  const digest = sha256(text);
  let id = '';
  for (let i = 0; id.length < GSID_LENGTH; i++) id += ALPHABET[digest[i % digest.length]! % 36];
  return id;
}
