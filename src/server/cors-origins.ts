/** The CORS setting as configured (kept apart from the plugin, so that reading config loads no plugin). */

/** `*` for any origin, or exact origins (`https://app.example.com`). */
export type CorsOrigins = '*' | readonly string[];

/**
 * Reads `--cors-origin` / GS_CORS_ORIGIN: empty or absent is off, `*` is any origin, else a comma
 * list of origins as browsers send them (scheme, host, optional port; no path, no trailing /).
 * Throws an Error naming the bad entry.
 */
export function parseCorsOrigins(raw: string | undefined): CorsOrigins | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const entries = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.includes('*')) {
    if (entries.length > 1) throw new Error('is * (any origin) or a list of origins, not both');
    return '*';
  }
  for (const entry of entries) {
    let origin: string | undefined;
    try {
      const url = new URL(entry);
      origin = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
    } catch {
      origin = undefined;
    }
    if (origin !== entry) {
      throw new Error(`takes origins such as https://app.example.com or http://localhost:3000 (no path, no trailing /), got ${JSON.stringify(entry)}`);
    }
  }
  return entries;
}
