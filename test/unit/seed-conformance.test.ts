import { describe, expect, it } from 'vitest';
import { Company, Person } from '../../src/domain/objects/index.js';
import { checkSeedConformance } from '../../src/server/seed-conformance.js';
import { buildApp } from '../../src/server/app.js';
import { openStore } from '../../src/store/store.js';
import { loadSeedSpec } from '../../src/spec.js';
import { companyRoutes } from '../../src/api/companies/routes.js';
import { personRoutes } from '../../src/api/people/routes.js';
import { reportRoutes } from '../../src/api/reports/routes.js';
import { createApiContext } from '../../src/api/context.js';
import { createAccessKeyService } from '../../src/domain/access-keys.js';

async function routes() {
  const store = await openStore({ url: 'sqlite::memory:' });
  const context = createApiContext(store, createAccessKeyService(store.keys));
  const all = [...companyRoutes(context), ...personRoutes(context), ...reportRoutes(context.reports)];
  await store.close();
  return all;
}

const objects = { Company, CompanyInput: Company, Person };

describe('seed contract coverage (checked at every start)', () => {
  it('finds nothing missing in the shipped seed', async () => {
    expect(checkSeedConformance(loadSeedSpec(), await routes(), objects)).toEqual([]);
  });

  it('notices a seed operation without a route, a renamed operation and a mistyped field', async () => {
    const seed = structuredClone(loadSeedSpec()) as any;
    seed.paths['/v1/companies'].get.operationId = 'listAllCompanies';
    seed.paths['/v1/widgets'] = { get: { operationId: 'listWidgets' } };
    seed.components.schemas.Company.properties.ARR.type = 'string';
    seed.components.schemas.Person.properties.Nickname = { type: 'string' };
    seed.components.schemas.CompanyInput.required.push('Industry');
    const problems = checkSeedConformance(seed, await routes(), objects);
    expect(problems.join('\n')).toMatch(/listAllCompanies/);
    expect(problems.join('\n')).toMatch(/GET \/v1\/widgets has no route/);
    expect(problems.join('\n')).toMatch(/Company\.ARR/);
    expect(problems.join('\n')).toMatch(/Person\.Nickname/);
    expect(problems.join('\n')).toMatch(/CompanyInput\.Industry is required/);
  });

  it('serves an OpenAPI document whose schemas are a superset of the seed', async () => {
    const store = await openStore({ url: 'sqlite::memory:' });
    await store.migrate();
    const app = await buildApp({ store });
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    await app.close();
    await store.close();
    const seed = loadSeedSpec() as any;
    for (const [name, schema] of Object.entries<any>(seed.components.schemas)) {
      const ours = doc.components.schemas[name];
      expect(ours, name).toBeDefined();
      for (const [property, type] of Object.entries<any>(schema.properties)) {
        expect(ours.properties[property]?.type, `${name}.${property}`).toBe(type.type);
        if (type.format) expect(ours.properties[property].format, `${name}.${property}`).toBe(type.format);
      }
      for (const required of schema.required ?? []) expect(ours.required).toContain(required);
    }
    for (const [path, methods] of Object.entries<any>(seed.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        expect(doc.paths[path][method].operationId).toBe(op.operationId);
        expect(doc.paths[path][method]['x-extension']).toBeUndefined();
      }
    }
  });
});
