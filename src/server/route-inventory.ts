/**
 * Every route the app registers, as Fastify registers it (its own HEAD routes and plugins'
 * routes included), with the access it declares: what the security review's test walks to prove
 * that no route answers without a key unless it is one of the few declared public.
 */
import type { FastifyInstance } from 'fastify';
import type { Access } from './route-spec.js';

export interface RegisteredRoute {
  readonly method: string;
  /** Fastify's pattern: `/v1/companies/:companyId`, `*`. */
  readonly url: string;
  /** Undefined when the route declares none (authentication then asks for a key). */
  readonly access?: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly registeredRoutes: readonly RegisteredRoute[];
  }
}

/** Call first, before any route is registered: routes registered earlier are not seen. */
export function trackRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const access = (route.config as { access?: Access } | undefined)?.access;
    for (const method of methods) routes.push({ method, url: route.url, ...(access ? { access } : {}) });
  });
}
