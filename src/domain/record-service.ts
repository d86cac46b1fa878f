/**
 * The semantics of records, shared by every object and both surfaces: ids and timestamps are the
 * server's, PUT and PATCH change only the fields they name, a batch is written whole or not at
 * all. References and uniqueness are enforced by the database (foreign key, unique index), never
 * by a read-then-write here, so they hold with many nodes; violations come back as 400/409
 * naming the field.
 */
import { errors, describeValue } from './errors.js';
import { isGsid, newGsid } from './gsid.js';
import type { FieldValues, ObjectDescription } from './object-model.js';
import {
  NoMatchError,
  StoreError,
  type Equals,
  type MatchingUpdate,
  type Page,
  type RecordRepository,
  type StoredRecord,
} from './persistence.js';
import { assertAtLeastOne } from './validation.js';

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
  readonly equals?: Equals;
}

export interface RecordService {
  readonly object: ObjectDescription;
  create(values: FieldValues): Promise<StoredRecord>;
  /** Creates every record or none; answers them in input order. */
  createMany(values: readonly FieldValues[]): Promise<StoredRecord[]>;
  get(gsid: string): Promise<StoredRecord>;
  /** PUT and PATCH: applies the given fields (null clears one) and keeps the others. */
  update(gsid: string, changes: FieldValues): Promise<StoredRecord>;
  /**
   * Each update changes every record whose fields equal its `equals`; all or nothing. An update
   * that matches no record fails the batch with GSOBJ_1011 naming its index.
   */
  updateMatching(updates: readonly MatchingUpdate[]): Promise<string[][]>;
  /** `detach`: clear references that would refuse the delete, instead of refusing it (NXT). */
  delete(gsid: string, options?: { detach?: boolean }): Promise<{ Gsid: string }>;
  list(options: ListOptions): Promise<Page>;
  findGsids(equals: Equals, limit: number): Promise<string[]>;
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
    if (error instanceof NoMatchError) {
      throw errors.noEntityMatches(`records[${error.index}]`);
    }
    if (!(error instanceof StoreError)) throw error;
    const { failure } = error;
    if (failure.kind === 'unique' && failure.fields) {
      const fields = failure.fields;
      const shown = fields.map((name) => describeValue(values[name])).join(', ');
      const ignoringCase = fields.some((name) => object.fieldByName.get(name)?.uniqueIgnoringCase);
      throw errors.conflict(
        `Duplicate value (${fields.join(', ')} = ${shown}): another ${object.name} already has it` +
          (ignoringCase ? ' (compared ignoring case)' : ''),
      );
    }
    if (failure.kind === 'foreignKey') {
      const field = referenceFields.find((f) => typeof values[f.name] === 'string');
      if (field) throw errors.unknownReference(field.name, field.references!, values[field.name] as string);
    }
    if (failure.kind === 'unavailable') throw errors.unavailable('The database is busy; retry the request');
    throw error;
  }

  /** The stored form of a new record: the server's id and timestamps, and derived defaults. */
  function newRecord(values: FieldValues, now: Date): FieldValues {
    const timestamp = now.toISOString();
    const record: FieldValues = { ...values, Gsid: newGsid(now.getTime()), CreatedDate: timestamp, ModifiedDate: timestamp };
    if (object.nameFrom && (record.Name === undefined || record.Name === null)) {
      const parts = object.nameFrom.map((name) => record[name]).filter((part) => typeof part === 'string' && part.trim() !== '');
      if (parts.length > 0) record.Name = parts.join(' ');
    }
    return record;
  }

  /** Every failed batch names the record at fault; a single value names only the field. */
  const firstReference = (values: readonly FieldValues[]) =>
    values.find((v) => referenceFields.some((f) => typeof v[f.name] === 'string')) ?? values[0] ?? {};

  return {
    object,

    async create(values) {
      try {
        return await repository.insert(newRecord(values, clock()));
      } catch (error) {
        translate(error, values);
      }
    },

    async createMany(values) {
      const now = clock();
      const records = values.map((v) => newRecord(v, now));
      try {
        await repository.insertMany(records);
      } catch (error) {
        translate(error, firstReference(values));
      }
      return records as StoredRecord[];
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

    async updateMatching(updates) {
      const at = clock().toISOString();
      try {
        return await repository.updateMatching(updates.map(({ equals, changes }) => ({ equals, changes: { ...changes, ModifiedDate: at } })));
      } catch (error) {
        translate(error, firstReference(updates.map((u) => u.changes)));
      }
    },

    async delete(gsid, deleteOptions = {}) {
      try {
        if (!(await repository.delete(gsid, deleteOptions))) throw errors.notFound(object.name, gsid);
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

    findGsids: (equals, limit) => repository.findGsids(equals, limit),
  };
}
