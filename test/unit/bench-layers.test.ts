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

  it('runs as many hooks at each stage as the server runs on GET /v1/companies/{id}, the security headers excepted', () => {
    const printed = t.app.printRoutes({ includeHooks: true, commonPrefix: false }).split('\n');
    const route = printed.findIndex((line) => /\/:companyId \(GET[,)]/.test(line));
    expect(route).toBeGreaterThan(-1);
    const hooks: Record<string, number> = {};
    for (const line of printed.slice(route + 1)) {
      const stage = /• \((\w+)\) \[(.*)\]/.exec(line);
      if (!stage) break;
      hooks[stage[1]!] = stage[2]!.split(',').length;
    }
    // The security headers' hook is the one more onRequest hook, a callback (security-headers.ts).
    expect(hooks).toEqual({ ...SERVER_ASYNC_HOOKS, onRequest: SERVER_ASYNC_HOOKS.onRequest + 1 });
  });
});
