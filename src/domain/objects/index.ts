/**
 * The objects built into the server as code: Company, Person, gsuser and their link object. They
 * carry what a data file cannot say (the seed surface's names, helper lookups, linking
 * references). Gainsight's other standard objects ship as a schema file (`schemas/`), and a
 * tenant's own objects and fields come from theirs; the registry (`../registry.ts`) holds all.
 */
import type { ObjectDescription } from '../object-model.js';
import { createRegistry } from '../registry.js';
import { Company } from './company.js';
import { CompanyPerson } from './company-person.js';
import { GsUser } from './gsuser.js';
import { Person } from './person.js';

export { Company, CompanyPerson, GsUser, Person };

/** The built-in objects, in the order they are listed (and their tables created). */
export const BUILTIN_OBJECTS: readonly ObjectDescription[] = [GsUser, Company, Person, CompanyPerson];

/** A registry of the built-in objects alone (unit tests and tools that need no schema file). */
export const builtinRegistry = createRegistry(BUILTIN_OBJECTS);

/** The built-in objects by registry name. */
export const objects: ReadonlyMap<string, ObjectDescription> = new Map(BUILTIN_OBJECTS.map((object) => [object.name, object]));
