/**
 * Path globs, as fault rules and journal filters take them: `*` is any run of characters within
 * one path segment, `**` any run across segments (slashes included), `?` one character other than
 * `/`; everything else stands for itself. `/v1/data/objects/query/*` matches
 * `/v1/data/objects/query/Company`, not `/v1/data/objects/query/Company/x`.
 */

/** The glob as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const character = glob[i]!;
    if (character === '*' && glob[i + 1] === '*') {
      pattern += '.*';
      i++;
    } else if (character === '*') pattern += '[^/]*';
    else if (character === '?') pattern += '[^/]';
    else pattern += character.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`, 's');
}

/** Whether any of the glob's characters is a wildcard. */
export function hasWildcard(glob: string): boolean {
  return /[*?]/.test(glob);
}

/**
 * Whether the glob can match some URL path of a route declared as `template`
 * (`/v1/data/objects/{object}/{gsid}`): a `{parameter}` segment stands for any one non-empty
 * segment. Used to refuse fault rules that would match nothing.
 */
export function globMayMatchRoute(glob: string, template: string): boolean {
  const globSegments = glob.split('/');
  const routeSegments = template.split('/');
  const segmentMatches = (pattern: string, segment: string): boolean => {
    if (/^\{\w+\}$/.test(segment)) return pattern !== '';
    return globToRegExp(pattern).test(segment);
  };
  // Memoised walk over (glob segment, route segment). A segment holding `**` may span any number
  // of route segments (and is taken to match them: generous, never refusing a rule that could fire).
  const memo = new Map<string, boolean>();
  const walk = (g: number, r: number): boolean => {
    const key = `${g},${r}`;
    let result = memo.get(key);
    if (result !== undefined) return result;
    if (g === globSegments.length) result = r === routeSegments.length;
    else if (globSegments[g]!.includes('**')) {
      result = false;
      for (let next = r; next <= routeSegments.length && !result; next++) result = walk(g + 1, next);
    } else result = r < routeSegments.length && segmentMatches(globSegments[g]!, routeSegments[r]!) && walk(g + 1, r + 1);
    memo.set(key, result);
    return result;
  };
  return walk(0, 0);
}
