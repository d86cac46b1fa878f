import { recordRoutes } from '../common/record-routes.js';
import type { ApiContext } from '../context.js';
import type { RouteSpec } from '../../server/route-spec.js';

/**
 * `/v1/people`: the seed has only the list; create, get, PUT, PATCH, DELETE and the `CompanyId`
 * filter are extensions (without them no client could write a person).
 */
export function personRoutes({ seed }: ApiContext): RouteSpec[] {
  return recordRoutes({
    ...seed.Person,
    collectionPath: '/v1/people',
    idParam: 'personId',
    tag: 'People',
    seedOperations: new Set(['list']),
    listFilters: ['CompanyId'],
  });
}
