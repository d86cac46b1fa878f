/**
 * The semantics of records, shared by every object and both surfaces: ids and timestamps are the
 * server's, PUT and PATCH change only the fields they name, a batch is written whole or not at
 * all. References and uniqueness are enforced by the database (foreign key, unique index), never
 * by a read-then-write here, so they hold with many nodes; violations come back as 400 naming
 * the lookup (in a batch, also the record) that names nothing, or 409 naming the unique fields.
 */
import { errors, describeValue } from './errors.js';
import { isGsid, newGsid } from './gsid.js';
import type { FieldValues, ObjectDescription } from './object-model.js';
import {
  JsonText,
  NoMatchError,
  PreconditionFailedError,
  StoreError,
  type Equals,
  type MatchingUpdate,
  type Page,
  type Precondition,
  type RecordRepository,
  type StoredRecord,
  type UpdateOptions,
} from './persistence.js';
import { assertAtLeastOne } from './validation.js';

export interface RecordServiceOptions {
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
   * `update`, answering the record's JSON text (as getJson would); with a precondition (If-Match),
   * only if it holds for the current record, atomically, else 412.
   */
  updateJson(gsid: string, changes: FieldValues, precondition?: Precondition): Promise<JsonText>;
  /**
   * Each update changes every record whose fields equal its `equals`; all or nothing. An update
   * that matches no record fails the batch with GSOBJ_1011 naming its index.
   */
  updateMatching(updates: readonly MatchingUpdate[]): Promise<string[][]>;
  /** `detach`: clear references that would refuse the delete, instead of refusing it (NXT). */
  delete(gsid: string, options?: { detach?: boolean; precondition?: Precondition }): Promise<{ Gsid: string }>;
  list(options: ListOptions): Promise<Page>;
  /** What `list` answers, as JSON text built by the store (the seed surface's list). */
  listJson(options: ListOptions): Promise<JsonText>;
  /** What `get` answers, as JSON text built by the store (the seed surface's get). */
  getJson(gsid: string): Promise<JsonText>;
  findGsids(equals: Equals, limit: number): Promise<string[]>;
}

/** Throws GSOBJ_1004 unless `value` is a well-formed Gsid. */
export function assertGsid(field: string, value: unknown): asserts value is string {
  if (!isGsid(value)) throw errors.invalidGsid(field, value);
}

export function createRecordService(repository: RecordRepository, options: RecordServiceOptions = {}): RecordService {
  const object = repository.object;
  const clock = options.clock ?? (() => new Date());

  /**
   * Translates constraint violations into client errors naming the field: for a write of several
   * records (`batch`), also the record, as `records[i].Field`.
   */
  async function translate(error: unknown, rows: readonly FieldValues[], batch = false): Promise<never> {
    if (error instanceof NoMatchError) {
      throw errors.noEntityMatches(`records[${error.index}]`);
    }
    if (!(error instanceof StoreError)) throw error;
    const { failure } = error;
    const at = (index: number, field: string) => (batch ? `records[${index}].${field}` : field);
    if (failure.kind === 'unique') {
      const fields = failure.fields;
      if (!fields) throw errors.conflict(`Duplicate value: another ${object.name} already has it`);
      // Which record of a batch collided the database does not say; the message shows the values.
      const values = rows.length === 1 ? rows[0]! : {};
      const shown = fields.map((name) => describeValue(values[name])).join(', ');
      const ignoringCase = fields.some((name) => object.fieldByName.get(name)?.uniqueIgnoringCase);
      throw errors.conflict(
        `Duplicate value (${fields.join(', ')}${rows.length === 1 ? ` = ${shown}` : ''}): another ${object.name} already has it` +
          (ignoringCase ? ' (compared ignoring case)' : ''),
        fields.length === 1 ? fields[0] : undefined,
      );
    }
    if (failure.kind === 'foreignKey') {
      const missing = await repository.findMissingReference(rows);
      if (missing) {
        const target = object.fieldByName.get(missing.field)!.references!;
        throw errors.unknownReference(at(missing.index, missing.field), target, missing.value);
      }
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

  /** PUT and PATCH: ModifiedDate set, the at-least-one rule checked, failures translated. */
  async function updateWith<T>(
    gsid: string,
    changes: FieldValues,
    precondition: Precondition | undefined,
    write: (gsid: string, changes: FieldValues, options: UpdateOptions) => Promise<T | undefined>,
  ): Promise<T> {
    let updated: T | undefined;
    try {
      // Only a change to one of the at-least-one fields can break that rule.
      const check = object.atLeastOneOf.some((name) => name in changes) ? (record: StoredRecord) => assertAtLeastOne(object, record) : undefined;
      updated = await write(gsid, { ...changes, ModifiedDate: clock().toISOString() }, { check, precondition });
    } catch (error) {
      if (error instanceof PreconditionFailedError) throw errors.preconditionFailed(object.name, gsid);
      return translate(error, [changes]);
    }
    if (!updated) throw errors.notFound(object.name, gsid);
    return updated;
  }

  return {
    object,

    async create(values) {
      try {
        return await repository.insert(newRecord(values, clock()));
      } catch (error) {
        return translate(error, [values]);
      }
    },

    async createMany(values) {
      const now = clock();
      const records = values.map((v) => newRecord(v, now));
      try {
        await repository.insertMany(records);
      } catch (error) {
        return translate(error, values, true);
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
      return updateWith(gsid, changes, undefined, repository.update);
    },

    async updateJson(gsid, changes, precondition) {
      if (Object.keys(changes).length > 0) return updateWith(gsid, changes, precondition, repository.updateJson);
      // Nothing to change: still answered 412 when the client's version is not the current one.
      const current = await this.getJson(gsid);
      if (precondition && !precondition(current.text)) throw errors.preconditionFailed(object.name, gsid);
      return current;
    },

    async updateMatching(updates) {
      const at = clock().toISOString();
      try {
        return await repository.updateMatching(updates.map(({ equals, changes }) => ({ equals, changes: { ...changes, ModifiedDate: at } })));
      } catch (error) {
        return translate(error, updates.map((u) => u.changes), true);
      }
    },

    async delete(gsid, deleteOptions = {}) {
      try {
        if (!(await repository.delete(gsid, deleteOptions))) throw errors.notFound(object.name, gsid);
      } catch (error) {
        if (error instanceof PreconditionFailedError) throw errors.preconditionFailed(object.name, gsid);
        if (error instanceof StoreError && error.failure.kind === 'foreignKey') {
          const referrers = (await repository.countReferrers(gsid)).filter(({ count }) => count > 0);
          const by = referrers.map(({ object: name, field, count }) => `${count} ${name} record(s) via ${field}`).join(', ') || 'other records';
          throw errors.conflict(`${object.name} ${gsid} is still referenced by ${by}; delete or reassign them first. Nothing was deleted.`);
        }
        return translate(error, []);
      }
      return { Gsid: gsid };
    },

    list({ pageNumber, pageSize, equals }) {
      return repository.list({ equals, offset: pageNumber * pageSize, limit: pageSize });
    },

    listJson({ pageNumber, pageSize, equals }) {
      return repository.listJson({ equals, offset: pageNumber * pageSize, limit: pageSize });
    },

    async getJson(gsid) {
      const record = await repository.getJson(gsid);
      if (!record) throw errors.notFound(object.name, gsid);
      return record;
    },

    findGsids: (equals, limit) => repository.findGsids(equals, limit),
  };
}
