/**
 * URLs as they are written to logs: the values of query parameters that look like secrets are
 * replaced. Clients do send `?accessKey=<key>` (a common mistake: the key belongs in the
 * `accessKey` header); the request is refused, and the key must not end up in the log either.
 */

/** Parameter names whose values are secrets, compared ignoring case and `-`/`_`. */
const SECRET_NAMES = new Set(['accesskey', 'key', 'apikey', 'token', 'accesstoken', 'secret', 'password']);

export const REDACTED = '[REDACTED]';

export function isSecretParameter(name: string): boolean {
  return SECRET_NAMES.has(name.toLowerCase().replace(/[-_]/g, ''));
}

/** `url` with every secret-looking query parameter's value replaced by [REDACTED]. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const fragmentAt = url.indexOf('#', start);
  const end = fragmentAt < 0 ? url.length : fragmentAt;
  const parameters = url
    .slice(start + 1, end)
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      const rawName = equals < 0 ? part : part.slice(0, equals);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape: judge the name as written.
      }
      return isSecretParameter(name.trim()) ? `${rawName}=${REDACTED}` : part;
    });
  return `${url.slice(0, start + 1)}${parameters.join('&')}${url.slice(end)}`;
}
