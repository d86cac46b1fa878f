/**
 * Picks the response media type from the Accept header (RFC 9110 quality values and wildcards).
 * Returns undefined when nothing acceptable can be produced (406).
 */
export function negotiate(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (!accept || accept.trim() === '') return offered[0];
  let best: { type: string; q: number; order: number } | undefined;
  const ranges = accept.split(',').map((part, order) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    return { range: range.trim(), q: Number.isFinite(q) ? q : 0, order };
  });
  for (const [index, type] of offered.entries()) {
    const [major] = type.split('/');
    // The most specific matching range decides the quality of this type.
    const match =
      ranges.find((r) => r.range === type) ?? ranges.find((r) => r.range === `${major}/*`) ?? ranges.find((r) => r.range === '*/*');
    if (!match || match.q <= 0) continue;
    if (!best || match.q > best.q || (match.q === best.q && index < best.order)) best = { type, q: match.q, order: index };
  }
  return best?.type;
}
