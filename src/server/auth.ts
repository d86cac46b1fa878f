/**
 * Authentication runs in onRequest, before the body is read: no key is 401 whatever else is
 * wrong with the request. Every route needs a key unless it is declared `public` (health, the
 * OpenAPI document); unknown paths need one too, so they do not reveal what exists.
 */
import type { FastifyInstance } from 'fastify';
import type { AccessKeyService, Principal } from '../domain/access-keys.js';
import { errors } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function registerAuthentication(app: FastifyInstance, accessKeys: AccessKeyService): void {
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === 'public') return;
    const presented = request.headers.accesskey;
    if (presented === undefined || presented === '') {
      throw errors.unauthorized('Missing access key: send it in the accessKey header');
    }
    // A repeated header arrives as an array: never a valid key.
    const principal = await accessKeys.authenticate(typeof presented === 'string' ? presented : undefined);
    if (!principal) throw errors.unauthorized('Invalid or revoked access key');
    if (principal.readOnly && access === 'write') {
      throw errors.forbidden(`The access key "${principal.name}" is read-only; ${request.method} needs a read-write key`);
    }
    if (access === 'admin' && !principal.admin) {
      throw errors.forbidden(`The access key "${principal.name}" is not an admin key; this operation needs an admin key (keys create --admin)`);
    }
    request.principal = principal;
  });
}
