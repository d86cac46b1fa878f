import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_ASYNC_HOOKS } from '../../bench/lib/server.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { sqliteBackend } from '../helpers/backends.js';

// `bench:http --layers` stands for the server's hooks with as many empty ones: it must not drift
// from what the server runs.
describe('the hooks layer of bench:http --layers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(sqliteBackend);
  });
  afterAll(() => t.close());

  it('runs as many hooks as the server runs on GET /v1/companies/{id}, the security headers excepted', () => {
    const printed = t.app.printRoutes({ includeHooks: true, commonPrefix: false }).split('\n');
    const route = printed.findIndex((line) => /\/:companyId \(GET[,)]/.test(line));
    expect(route).toBeGreaterThan(-1);
    const hooks: Record<string, number> = {};
    for (const line of printed.slice(route + 1)) {
      const stage = /• \((\w+)\) \[(.*)\]/.exec(line);
      if (!stage) break;
      hooks[stage[1]!] = stage[2]!.split(',').length;
    }
    const counted = (hooks.onRequest ?? 0) + (hooks.onSend ?? 0) + (hooks.onResponse ?? 0);
    expect(counted).toBe(SERVER_ASYNC_HOOKS + 1);
    // Nothing at other stages (preHandler, preSerialization, ...) that the layer leaves out.
    expect(Object.keys(hooks).sort()).toEqual(['onRequest', 'onResponse', 'onSend']);
  });
});
