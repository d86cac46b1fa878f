/**
 * The NXT surfaces (`/v1/data`, `/v1/meta`, `/v1/users`, `/v1.0/api`, `/v1/peoplemgmt`): the API
 * real Gainsight integrations call, over the same store as the seed surface.
 */
import type { RouteSpec } from '../../server/route-spec.js';
import type { ApiContext } from '../context.js';
import { dataRoutes } from './data-routes.js';
import { eventRoutes } from './event-routes.js';
import { metaRoutes } from './meta-routes.js';
import { peopleRoutes } from './people-routes.js';
import { userRoutes } from './user-routes.js';

export function nxtRoutes(context: ApiContext): RouteSpec[] {
  return [...dataRoutes(context), ...metaRoutes(context), ...peopleRoutes(context), ...eventRoutes(context), ...userRoutes(context)];
}
