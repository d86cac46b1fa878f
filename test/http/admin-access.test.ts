/**
 * Routes declared `access: 'admin'`: an admin key (or GS_ACCESS_KEY) passes, any other key is 403
 * with an envelope saying an admin key is needed, no key is 401. The route here is a probe
 * registered the way every admin route is (registerRoutes), on the real authentication hook and
 * error mapper; the sandbox suites check the same on every real admin route.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessKeyService } from '../../src/domain/access-keys.js';
import { createAjv } from '../../src/domain/validation.js';
import { registerAuthentication } from '../../src/server/auth.js';
import { handleError } from '../../src/server/error-handler.js';
import { registerRoutes, type RouteSpec } from '../../src/server/route-spec.js';
import { openStore, type Store } from '../../src/store/store.js';

const BOOTSTRAP = 'admin-access-bootstrap-key-0123456789';

const probe: RouteSpec = {
  method: 'POST',
  path: '/v1/_probe/admin',
  operationId: 'adminProbe',
  summary: 'Admin probe',
  description: 'Answers who called it.',
  tag: 'Probe',
  access: 'admin',
  extension: true,
  errorStatuses: [],
  response: { description: 'The caller', data: Type.Object({ name: Type.String() }) },
  handler: async (request) => ({ name: request.principal!.name }),
};

describe('admin access on routes', () => {
  let store: Store;
  let app: FastifyInstance;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    store = await openStore({ url: 'sqlite::memory:' });
    await store.migrate({ tables: false });
    const accessKeys = createAccessKeyService(store.keys, { bootstrapKey: BOOTSTRAP });
    keys.admin = (await accessKeys.create('ops', { admin: true })).key;
    keys.write = (await accessKeys.create('connector')).key;
    keys.read = (await accessKeys.create('reader', { readOnly: true })).key;
    app = Fastify();
    registerAuthentication(app, accessKeys);
    app.setErrorHandler(handleError);
    registerRoutes(app, [probe], createAjv());
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const call = (key?: string) => app.inject({ method: 'POST', url: '/v1/_probe/admin', headers: key ? { accesskey: key } : {} });

  it('lets an admin key and the bootstrap key through', async () => {
    expect((await call(keys.admin)).json()).toMatchObject({ result: true, data: { name: 'ops' } });
    expect((await call(BOOTSTRAP)).json()).toMatchObject({ result: true, data: { name: 'GS_ACCESS_KEY' } });
  });

  it.each(['write', 'read'])('answers a %s key 403 naming the need for an admin key', async (kind) => {
    const response = await call(keys[kind]);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ result: false, errorCode: 'GSAPI_4030' });
    expect(response.json().errorDesc).toMatch(/needs an admin key/);
  });

  it('answers 401 without a key', async () => {
    expect((await call()).statusCode).toBe(401);
  });
});
