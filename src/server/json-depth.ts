/**
 * How deep a JSON text nests, found by scanning its characters once, before it is parsed: a body
 * of a few hundred kilobytes can nest a hundred thousand levels, and everything that later walks
 * the parsed value recursively (validation, error messages) would overflow the stack on it.
 */

/** Deepest nesting of objects and arrays the API accepts in a request body. */
export const MAX_BODY_DEPTH = 64;

/** True when `text` opens more than `limit` objects or arrays inside one another. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) depth--;
  }
  return false;
}
