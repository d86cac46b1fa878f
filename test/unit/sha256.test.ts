/** The hashing helper (src/domain/sha256.ts): the standard digest, as bytes and as base64url. */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { sha256, sha256Base64Url } from '../../src/domain/sha256.js';

it('gives SHA-256 (FIPS 180-2 test vector "abc")', () => {
  expect(sha256('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  expect(sha256Base64Url('abc')).toBe(Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString('base64url'));
});

it('hashes text as UTF-8, as createHash does', () => {
  for (const text of ['', 'é', '日本語', '\u{1F600}', 'a'.repeat(10_000)]) {
    expect(sha256(text).equals(createHash('sha256').update(text, 'utf8').digest())).toBe(true);
    expect(sha256Base64Url(text)).toBe(createHash('sha256').update(text, 'utf8').digest('base64url'));
  }
});
