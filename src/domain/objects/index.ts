import type { ObjectDescription } from '../object-model.js';
import { Company } from './company.js';
import { Person } from './person.js';

export { Company, Person };

/** Every object the server stores, by API name. */
export const objects: ReadonlyMap<string, ObjectDescription> = new Map<string, ObjectDescription>([
  [Company.name, Company],
  [Person.name, Person],
]);
