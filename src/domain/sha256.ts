/**
 * SHA-256 of text, as bytes or base64url. Hashing is on every request's path (the presented
 * access key, a record's ETag), so it uses the one-shot `crypto.hash` where Node has it (20.12
 * and later), which skips making a Hash object per call; older Node 20 releases fall back to
 * createHash. The digest is the same either way.
 */
import * as crypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: string, outputEncoding: 'buffer' | 'base64url') => Buffer | string;
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

export function sha256(text: string): Buffer {
  return oneShot ? (oneShot('sha256', text, 'buffer') as Buffer) : crypto.createHash('sha256').update(text, 'utf8').digest();
}

export function sha256Base64Url(text: string): string {
  return oneShot ? (oneShot('sha256', text, 'base64url') as string) : crypto.createHash('sha256').update(text, 'utf8').digest('base64url');
}
