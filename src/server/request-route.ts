/**
 * The route a request matched, as a template in the OpenAPI document's style
 * (`/v1/companies/{companyId}`): what logs and metrics name a request by. Raw URLs would give
 * every record its own metric series and could carry secrets.
 */
import type { FastifyRequest } from 'fastify';

const templates = new Map<string, string>();

/** Undefined when no route matched (unknown path, malformed URL). */
export function routeTemplate(request: FastifyRequest): string | undefined {
  const url = request.routeOptions.url;
  if (url === undefined) return undefined;
  let template = templates.get(url);
  if (template === undefined) templates.set(url, (template = url.replace(/:(\w+)/g, '{$1}')));
  return template;
}
