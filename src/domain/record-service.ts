/**
 * The semantics of records, shared by every object: ids and timestamps are the server's, PUT and
 * PATCH change only the fields they name. References and uniqueness are enforced by the database
 * (foreign key, unique index), never by a read-then-write here, so they hold with many nodes;
 * violations come back as 400/409 naming the field.
 */
import { StoreError } from '../store/database.js';
import type { Page, RecordRepository, StoredRecord } from '../store/record-repository.js';
import { UNIQUE_KEY_SUFFIX } from '../store/record-repository.js';
import { errors, describeValue } from './errors.js';
import { isGsid, newGsid } from './gsid.js';
import { assertAtLeastOne } from './validation.js';
import type { FieldValues, ObjectDescription } from './object-model.js';

export interface Referrer {
  /** The repository whose records point at this object. */
  readonly repository: RecordRepository;
  /** The field of those records that holds this object's Gsid. */
  readonly field: string;
}

export interface RecordServiceOptions {
  /** Records of other objects that point at this one (a delete is refused while they exist). */
  readonly referrers?: readonly Referrer[];
  readonly clock?: () => Date;
}

export interface ListOptions {
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly equals?: Readonly<Record<string, string | number>>;
}

export interface RecordService {
  readonly object: ObjectDescription;
  create(values: FieldValues): Promise<StoredRecord>;
  get(gsid: string): Promise<StoredRecord>;
  /** PUT and PATCH: applies the given fields (null clears one) and keeps the others. */
  update(gsid: string, changes: FieldValues): Promise<StoredRecord>;
  delete(gsid: string): Promise<{ Gsid: string }>;
  list(options: ListOptions): Promise<Page>;
}

/** Throws GSOBJ_1004 unless `value` is a well-formed Gsid. */
export function assertGsid(field: string, value: unknown): asserts value is string {
  if (!isGsid(value)) throw errors.invalidGsid(field, value);
}

export function createRecordService(repository: RecordRepository, options: RecordServiceOptions = {}): RecordService {
  const object = repository.object;
  const clock = options.clock ?? (() => new Date());
  const referenceFields = object.fields.filter((field) => field.references);

  /** Translates constraint violations into client errors naming the field. */
  function translate(error: unknown, values: FieldValues): never {
    if (!(error instanceof StoreError)) throw error;
    const { failure } = error;
    if (failure.kind === 'unique') {
      const field = object.fields.find((f) => f.uniqueIgnoringCase && failure.detail.includes(f.column + UNIQUE_KEY_SUFFIX));
      if (field) {
        throw errors.conflict(
          `Duplicate value (${field.name} = ${describeValue(values[field.name])}): another ${object.name} already has it (compared ignoring case)`,
        );
      }
    }
    if (failure.kind === 'foreignKey') {
      const field = referenceFields.find((f) => typeof values[f.name] === 'string');
      if (field) throw errors.unknownReference(field.name, field.references!, values[field.name] as string);
    }
    if (failure.kind === 'unavailable') throw errors.unavailable('The database is busy; retry the request');
    throw error;
  }

  return {
    object,

    async create(values) {
      const now = clock();
      const timestamp = now.toISOString();
      const record = { ...values, Gsid: newGsid(now.getTime()), CreatedDate: timestamp, ModifiedDate: timestamp };
      try {
        return await repository.insert(record);
      } catch (error) {
        translate(error, values);
      }
    },

    async get(gsid) {
      const record = await repository.get(gsid);
      if (!record) throw errors.notFound(object.name, gsid);
      return record;
    },

    async update(gsid, changes) {
      if (Object.keys(changes).length === 0) return this.get(gsid);
      let updated: StoredRecord | undefined;
      try {
        // Only a change to one of the at-least-one fields can break that rule.
        const check = object.atLeastOneOf.some((name) => name in changes) ? (record: StoredRecord) => assertAtLeastOne(object, record) : undefined;
        updated = await repository.update(gsid, { ...changes, ModifiedDate: clock().toISOString() }, check);
      } catch (error) {
        translate(error, changes);
      }
      if (!updated) throw errors.notFound(object.name, gsid);
      return updated;
    },

    async delete(gsid) {
      try {
        if (!(await repository.delete(gsid))) throw errors.notFound(object.name, gsid);
      } catch (error) {
        if (error instanceof StoreError && error.failure.kind === 'foreignKey') {
          const counts = await Promise.all(
            (options.referrers ?? []).map(async ({ repository: other, field }) => {
              const count = await other.count({ [field]: gsid });
              return count > 0 ? `${count} ${other.object.name} record(s) via ${field}` : undefined;
            }),
          );
          const by = counts.filter(Boolean).join(', ') || 'other records';
          throw errors.conflict(`${object.name} ${gsid} is still referenced by ${by}; delete or reassign them first. Nothing was deleted.`);
        }
        translate(error, {});
      }
      return { Gsid: gsid };
    },

    list({ pageNumber, pageSize, equals }) {
      return repository.list({ equals, offset: pageNumber * pageSize, limit: pageSize });
    },
  };
}
