/**
 * Presented keys are compared with stored ones in constant time: both sides are SHA-256 hashes
 * (equal length whatever was presented, so length leaks nothing) compared whole by
 * crypto.timingSafeEqual, for stored keys and for GS_ACCESS_KEY alike, whether the presented key
 * differs from the real one in its first character or its last.
 */
import { createHash } from 'node:crypto';
import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createAccessKeyService, type KeyRepository, type StoredAccessKey } from '../../src/domain/access-keys.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function memoryKeys(): KeyRepository & { rows: StoredAccessKey[] } {
  const rows: StoredAccessKey[] = [];
  return {
    rows,
    insert: async (key) => void rows.push(key),
    findById: async (id) => rows.find((row) => row.id === id),
    list: async () => rows,
    revoke: async () => false,
    touch: async () => {},
    countActive: async () => rows.length,
    claimBootstrap: async () => true,
  };
}

/** The key with one character of its secret changed, at `index` from the secret's start. */
function altered(key: string, index: number): string {
  const position = key.lastIndexOf('_') + 1 + (index < 0 ? 32 + index : index);
  const replacement = key[position] === 'A' ? 'B' : 'A';
  return key.slice(0, position) + replacement + key.slice(position + 1);
}

describe('access key comparison', () => {
  beforeEach(() => {
    timingSafeEqual.mockClear();
  });

  it('compares a stored key’s whole hash with timingSafeEqual, wherever the presented key differs', async () => {
    const keys = memoryKeys();
    const service = createAccessKeyService(keys, { cacheTtlMs: 0 });
    const { key, record } = await service.create('app');
    for (const wrong of [altered(key, 0), altered(key, 15), altered(key, -1)]) {
      timingSafeEqual.mockClear();
      expect(await service.authenticate(wrong)).toBeUndefined();
      expect(timingSafeEqual).toHaveBeenCalledTimes(1);
      const [stored, presented] = timingSafeEqual.mock.calls[0]! as [Buffer, Buffer];
      expect(Buffer.from(stored).toString('hex')).toBe(record.keyHash);
      expect(Buffer.from(presented).equals(sha256(wrong))).toBe(true);
      expect(stored.length).toBe(32);
      expect(presented.length).toBe(32);
    }
    timingSafeEqual.mockClear();
    expect(await service.authenticate(key)).toMatchObject({ name: 'app' });
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });

  it('compares GS_ACCESS_KEY by hash in constant time too, whatever the presented length', async () => {
    const bootstrap = 'bootstrap-key-for-comparison-0123456789';
    const service = createAccessKeyService(memoryKeys(), { bootstrapKey: bootstrap, cacheTtlMs: 0 });
    for (const wrong of ['x', bootstrap.slice(0, -1), `${bootstrap}x`, `Y${bootstrap.slice(1)}`]) {
      timingSafeEqual.mockClear();
      expect(await service.authenticate(wrong)).toBeUndefined();
      const [presented, expected] = timingSafeEqual.mock.calls[0]! as [Buffer, Buffer];
      expect(Buffer.from(presented).equals(sha256(wrong))).toBe(true);
      expect(Buffer.from(expected).equals(sha256(bootstrap))).toBe(true);
    }
    timingSafeEqual.mockClear();
    expect(await service.authenticate(bootstrap)).toMatchObject({ name: 'GS_ACCESS_KEY' });
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });
});
