/**
 * Entity tags of single records and the If-Match precondition (RFC 9110, sections 8.8.3 and
 * 13.1.1).
 *
 * A record's ETag is a digest of its JSON text as the API sends it: every stored change changes
 * the text (ModifiedDate moves, a value changes), so two versions never share a tag, even when
 * written in the same millisecond, and computing it costs a hash of a few hundred bytes, not a
 * query. It is a strong tag: equal tags mean byte-identical representations.
 */
import { errors } from '../domain/errors.js';
import { sha256Base64Url } from '../domain/sha256.js';

/** The strong entity tag of a representation: 144 bits of its SHA-256, quoted. */
export function entityTag(representation: string): string {
  return `"${sha256Base64Url(representation).slice(0, 24)}"`;
}

/** What an If-Match header asks for: any current version (`*`), or one of these tags. */
export type IfMatch = { readonly any: true } | { readonly any: false; readonly tags: readonly string[] };

// An entity-tag: optional W/ prefix, then a quoted string of etagc characters (no quote, no space).
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

/**
 * Parses If-Match; undefined when the header is absent. Malformed values are a 400 naming the
 * header (a bare, unquoted tag is a common client mistake, better told than silently refused).
 */
export function parseIfMatch(header: string | string[] | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  // A repeated header is one list (RFC 9110 5.3).
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return { any: true };
  const tags = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (tags.length === 0) throw errors.invalidHeader('If-Match', 'expected * or a list of quoted entity tags, such as "abc"');
  for (const tag of tags) {
    if (!ENTITY_TAG.test(tag)) {
      throw errors.invalidHeader('If-Match', `${JSON.stringify(tag.slice(0, 60))} is not an entity tag: quote it, as the ETag header does`);
    }
  }
  return { any: false, tags };
}

/**
 * Whether a representation satisfies If-Match: strong comparison, so weak tags never match.
 * (`*` matches any current representation; a missing record is answered 404 before this.)
 */
export function ifMatchHolds(condition: IfMatch, representation: string): boolean {
  if (condition.any) return true;
  const current = entityTag(representation);
  return condition.tags.some((tag) => tag === current);
}
