/**
 * The object registry: every object the server stores. It is a value, built
 * once at start from the built-in descriptions, the standard objects the package ships and the
 * tenant's schema file, then handed to the store (a table per object), the API (each object on
 * the NXT surface, the report object list, the OpenAPI document) and the CLI.
 */
import { viewOf, type ObjectDescription, type Surface } from './object-model.js';

export interface ObjectRegistry {
  /** Every object: the built-in ones, the package's standard ones, then the tenant's. */
  readonly all: readonly ObjectDescription[];
  readonly names: readonly string[];
  /** An object by its exact registry name (`Company`, `company_person`). */
  lookUp(name: string): ObjectDescription | undefined;
  /** An object by name ignoring case (`company`, `COMPANY`), as the NXT surface takes it. */
  find(name: string): ObjectDescription | undefined;
  /** lookUp over one surface's views (for filters and lookups that follow references). */
  surfaceLookUp(surface: Surface | undefined): (name: string) => ObjectDescription | undefined;
}

/** Thrown for a list of objects that cannot form a registry; the message names the object and field. */
export class RegistryError extends Error {
  override name = 'RegistryError';
}

/**
 * The registry of `list`, checked: unique names (ignoring case), lookups only to registered
 * objects. Lookups may go both ways (Company -> subscription__gc -> Company): the store creates
 * the tables first and the lookup columns to tables created later after them.
 */
export function createRegistry(list: readonly ObjectDescription[]): ObjectRegistry {
  const byName = new Map<string, ObjectDescription>();
  const byLowerName = new Map<string, ObjectDescription>();
  for (const object of list) {
    if (byLowerName.has(object.name.toLowerCase())) {
      throw new RegistryError(`Object ${object.name} is registered twice (names are matched ignoring case)`);
    }
    byName.set(object.name, object);
    byLowerName.set(object.name.toLowerCase(), object);
  }
  for (const object of list) {
    for (const field of object.fields) {
      if (field.references && !byName.has(field.references)) {
        throw new RegistryError(`${object.name}.${field.name} looks up ${field.references}, which is not a registered object`);
      }
    }
  }
  const lookUp = (name: string) => byName.get(name);
  return {
    all: [...list],
    names: [...byName.keys()],
    lookUp,
    find: (name) => byLowerName.get(name.toLowerCase()),
    surfaceLookUp: (surface) => (name) => {
      const object = byName.get(name);
      return object && surface ? viewOf(object, surface) : object;
    },
  };
}
