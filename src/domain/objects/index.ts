/**
 * The object registry: the only place an object is named. The store creates a table per entry,
 * the API serves each on the NXT surface, reports can run over each, and the describe metadata
 * lists them; adding an object is adding its description here.
 */
import { viewOf, type ObjectDescription, type Surface } from '../object-model.js';
import { Company } from './company.js';
import { CompanyPerson } from './company-person.js';
import { GsUser } from './gsuser.js';
import { Person } from './person.js';

export { Company, CompanyPerson, GsUser, Person };

/**
 * Every object the server stores, by registry name, in dependency order (an object comes after
 * the objects its lookups point at, except for lookups to itself).
 */
export const objects: ReadonlyMap<string, ObjectDescription> = registry([GsUser, Company, Person, CompanyPerson]);

/** The registry, checked: unique names, and lookups only to objects listed before (or to themselves). */
export function registry(list: readonly ObjectDescription[]): ReadonlyMap<string, ObjectDescription> {
  const map = new Map<string, ObjectDescription>();
  for (const object of list) {
    if ([...map.keys()].some((name) => name.toLowerCase() === object.name.toLowerCase())) {
      throw new Error(`Object ${object.name} is registered twice (names are matched ignoring case)`);
    }
    for (const field of object.fields) {
      if (field.references && field.references !== object.name && !map.has(field.references)) {
        throw new Error(`${object.name}.${field.name} looks up ${field.references}, which must be registered before ${object.name}`);
      }
    }
    map.set(object.name, object);
  }
  return map;
}

const byLowerName = new Map([...objects.values()].map((object) => [object.name.toLowerCase(), object]));

/** An object by name, ignoring case (`company`, `COMPANY`), as the NXT surface takes it. */
export function findObject(name: string): ObjectDescription | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** A lookUp over one surface's views (for filters and lookups that follow references). */
export function surfaceLookUp(surface: Surface | undefined): (name: string) => ObjectDescription | undefined {
  return (name) => {
    const object = objects.get(name);
    return object && surface ? viewOf(object, surface) : object;
  };
}
