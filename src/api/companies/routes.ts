import { recordRoutes } from '../common/record-routes.js';
import type { ApiContext } from '../context.js';
import type { RouteSpec } from '../../server/route-spec.js';

/** `/v1/companies`: the seed's five operations plus PATCH (extension). */
export function companyRoutes({ seed }: ApiContext): RouteSpec[] {
  return recordRoutes({
    ...seed.Company,
    collectionPath: '/v1/companies',
    idParam: 'companyId',
    tag: 'Companies',
    seedOperations: new Set(['list', 'create', 'get', 'replace', 'delete']),
  });
}
