/**
 * Access keys: random, shown once, stored as SHA-256 hashes, compared in constant time,
 * revocable, optionally read-only, optionally admin (the right to call admin routes such as the
 * sandbox controls).
 *
 * A key looks like `gsk_<12-char id>_<32-char secret>`. The id is public (it is what `keys list`
 * shows and `keys revoke` takes) and locates the row; the secret's hash is then compared with
 * `timingSafeEqual`. SHA-256 (not a slow password hash) is right here: the secret carries about
 * 190 random bits, so there is nothing to brute-force, and verification stays cheap per request.
 *
 * Verified keys are cached for `cacheTtlMs` (default 5 s) so the hot path does no database work;
 * a revocation therefore takes effect on other nodes within that time, and at once on this one.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from './sha256.js';

/** Access keys as the store keeps them (implemented in store/key-repository.ts). */
export interface StoredAccessKey {
  readonly id: string;
  readonly name: string;
  readonly keyHash: string;
  readonly readOnly: boolean;
  /** May call admin routes (`access: 'admin'`); never together with readOnly. */
  readonly admin: boolean;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
}

export interface KeyRepository {
  insert(key: Omit<StoredAccessKey, 'lastUsedAt' | 'revokedAt'>): Promise<void>;
  findById(id: string): Promise<StoredAccessKey | undefined>;
  list(): Promise<StoredAccessKey[]>;
  /** Marks a key revoked; false when there is no such active key. */
  revoke(id: string, at: string): Promise<boolean>;
  /**
   * Records a use, but only when the stored time is older than `staleBefore`: at most one write
   * per key per interval, and concurrent nodes can only move the time forward.
   */
  touch(id: string, at: string, staleBefore: string): Promise<void>;
  countActive(): Promise<number>;
  /**
   * Claims the one-time right to create the first key. True for exactly one caller, however many
   * nodes start at once against an empty database (the database's primary key decides).
   */
  claimBootstrap(at: string): Promise<boolean>;
}

export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly readOnly: boolean;
  readonly admin: boolean;
}

export interface CreatedKey {
  /** The key itself; it exists only in this return value and is never stored. */
  readonly key: string;
  readonly record: StoredAccessKey;
}

export interface AccessKeyServiceOptions {
  /** GS_ACCESS_KEY: a full-rights key from the environment, never written to the database. */
  readonly bootstrapKey?: string;
  readonly cacheTtlMs?: number;
  /** How often (at most) `last used` is written per key. */
  readonly touchIntervalMs?: number;
  readonly now?: () => number;
  /** Failures of the background `last used` write; they never fail a request. */
  readonly onBackgroundError?: (error: unknown) => void;
}

export interface AccessKeyService {
  authenticate(presented: string | undefined): Promise<Principal | undefined>;
  /** An admin key cannot be read-only (the two rights contradict each other): that throws. */
  create(name: string, options?: { readOnly?: boolean; admin?: boolean }): Promise<CreatedKey>;
  list(): Promise<StoredAccessKey[]>;
  /** Accepts the id or the displayed prefix (`gsk_<id>`). */
  revoke(idOrPrefix: string): Promise<boolean>;
  /** Creates and returns a first key when the database has none and no bootstrap key is set. */
  createFirstKeyIfNone(): Promise<CreatedKey | undefined>;
}

const KEY_PATTERN = /^gsk_([0-9A-Za-z]{12})_([0-9A-Za-z]{32})$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** GS_ACCESS_KEY has every right: it is the operator's own key. */
const BOOTSTRAP_PRINCIPAL: Principal = { keyId: 'GS_ACCESS_KEY', name: 'GS_ACCESS_KEY', readOnly: false, admin: true };
const CACHE_LIMIT = 10_000;

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting higher bytes keeps every character equally likely.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function displayPrefix(id: string): string {
  return `gsk_${id}`;
}

type CacheEntry = { principal: Principal | undefined; expires: number };

export function createAccessKeyService(keys: KeyRepository, options: AccessKeyServiceOptions = {}): AccessKeyService {
  const now = options.now ?? Date.now;
  const ttl = options.cacheTtlMs ?? 5_000;
  const touchInterval = options.touchIntervalMs ?? 60_000;
  const bootstrapHash = options.bootstrapKey ? sha256(options.bootstrapKey) : undefined;
  const cache = new Map<string, CacheEntry>();
  const lastTouched = new Map<string, number>();

  async function lookUp(presented: string, hash: Buffer): Promise<Principal | undefined> {
    const match = KEY_PATTERN.exec(presented);
    if (!match) return undefined;
    const stored = await keys.findById(match[1]!);
    if (!stored || stored.revokedAt) return undefined;
    const storedHash = Buffer.from(stored.keyHash, 'hex');
    if (storedHash.length !== hash.length || !timingSafeEqual(storedHash, hash)) return undefined;
    return { keyId: stored.id, name: stored.name, readOnly: stored.readOnly, admin: stored.admin };
  }

  function recordUse(principal: Principal, at: number): void {
    if (principal === BOOTSTRAP_PRINCIPAL) return;
    const previous = lastTouched.get(principal.keyId) ?? 0;
    if (at - previous < touchInterval) return;
    lastTouched.set(principal.keyId, at);
    keys
      .touch(principal.keyId, new Date(at).toISOString(), new Date(at - touchInterval).toISOString())
      .catch((error: unknown) => options.onBackgroundError?.(error));
  }

  return {
    async authenticate(presented) {
      if (!presented) return undefined;
      const hash = sha256(presented);
      if (bootstrapHash && timingSafeEqual(hash, bootstrapHash)) return BOOTSTRAP_PRINCIPAL;
      const at = now();
      const cacheKey = hash.toString('base64');
      let entry = cache.get(cacheKey);
      if (!entry || entry.expires <= at) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        entry = { principal: await lookUp(presented, hash), expires: at + ttl };
        cache.set(cacheKey, entry);
      }
      if (entry.principal) recordUse(entry.principal, at);
      return entry.principal;
    },

    async create(name, { readOnly = false, admin = false } = {}) {
      if (readOnly && admin) throw new RangeError('An access key cannot be both read-only and admin');
      const id = randomBase62(12);
      const key = `gsk_${id}_${randomBase62(32)}`;
      const record: StoredAccessKey = {
        id,
        name,
        keyHash: sha256(key).toString('hex'),
        readOnly,
        admin,
        createdAt: new Date(now()).toISOString(),
      };
      await keys.insert(record);
      return { key, record };
    },

    list: () => keys.list(),

    async revoke(idOrPrefix) {
      const id = idOrPrefix.startsWith('gsk_') ? idOrPrefix.slice(4, 16) : idOrPrefix;
      const revoked = await keys.revoke(id, new Date(now()).toISOString());
      // Revocation is immediate on this node; other nodes drop their cached entry within the TTL.
      for (const [cacheKey, entry] of cache) if (entry.principal?.keyId === id) cache.delete(cacheKey);
      return revoked;
    },

    async createFirstKeyIfNone() {
      if (bootstrapHash) return undefined;
      if ((await keys.countActive()) > 0) return undefined;
      if (!(await keys.claimBootstrap(new Date(now()).toISOString()))) return undefined;
      return this.create('first key (created at first start)');
    },
  };
}
