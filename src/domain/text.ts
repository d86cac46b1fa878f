/**
 * Text every backend can store byte-for-byte: PostgreSQL rejects NUL characters, and an unpaired
 * UTF-16 surrogate cannot be encoded as UTF-8 (it would silently come back as U+FFFD).
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

/** Length in Unicode code points, the unit of `maxLength` (an emoji counts as one character). */
export function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) length++;
  return length;
}
