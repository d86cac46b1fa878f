/**
 * What the domain needs from storage, declared here and implemented by `store/`: the domain never
 * sees SQL or driver errors, only these interfaces and StoreError's classified failures.
 */
import type { FieldValue, FieldValues, ObjectDescription } from './object-model.js';

/** A stored record keyed by API field name, with only the fields that hold a value. */
export type StoredRecord = Record<string, string | number | boolean> & { Gsid: string };

export type Equals = Readonly<Record<string, Exclude<FieldValue, null>>>;

export interface ListQuery {
  /** Equality filters on API field names. */
  readonly equals?: Equals;
  readonly offset: number;
  readonly limit: number;
}

/**
 * JSON text built by the store, sent as is: the text `JSON.stringify` writes for the value it
 * stands for (a record, or a page as `{records, totalCount}`).
 */
export class JsonText {
  constructor(readonly text: string) {}
}

export interface Page {
  readonly records: StoredRecord[];
  readonly totalCount: number;
}

/** One update of a batch: the records whose fields equal `equals` get `changes`. */
export interface MatchingUpdate {
  readonly equals: Equals;
  readonly changes: FieldValues;
}

export interface RecordRepository {
  readonly object: ObjectDescription;
  insert(values: FieldValues): Promise<StoredRecord>;
  /** Inserts all rows or none (one transaction), in as few statements as the database allows. */
  insertMany(rows: readonly FieldValues[]): Promise<void>;
  get(gsid: string): Promise<StoredRecord | undefined>;
  /**
   * Applies `changes` (null clears a field) and returns the updated record, if it exists. When
   * `check` throws for the updated record, nothing is changed; see WriteOptions.
   */
  update(gsid: string, changes: FieldValues, options?: UpdateOptions): Promise<StoredRecord | undefined>;
  /** `update`, answering the updated record's JSON text (what getJson answers next). */
  updateJson(gsid: string, changes: FieldValues, options?: UpdateOptions): Promise<JsonText | undefined>;
  /**
   * Applies every update in one transaction and answers the Gsids each one changed. When an
   * update matches no record, nothing is changed and NoMatchError names its index.
   */
  updateMatching(updates: readonly MatchingUpdate[]): Promise<string[][]>;
  /**
   * Gsids of the records whose fields equal `equals`, at most `limit`: text compared exactly,
   * except fields unique ignoring case (Email), which compare ignoring case.
   */
  findGsids(equals: Equals, limit: number): Promise<string[]>;
  /**
   * After a foreign-key failure: the first row (in order) whose lookup names no record, or
   * undefined. The database does not say which reference failed (SQLite never does).
   */
  findMissingReference(rows: readonly FieldValues[]): Promise<MissingReference | undefined>;
  /** Records elsewhere whose references refuse this record's delete, counted per object and field. */
  countReferrers(gsid: string): Promise<{ object: string; field: string; count: number }[]>;
  /**
   * Deletes a record. `detach`: first clear the references that would otherwise refuse the delete
   * (the NXT surface deletes a company even when a person's seed CompanyId points at it).
   */
  delete(gsid: string, options?: { detach?: boolean } & WriteOptions): Promise<boolean>;
  list(query: ListQuery): Promise<Page>;
  /** The page `list` answers, as the JSON text of `{records, totalCount}`. */
  listJson(query: ListQuery): Promise<JsonText>;
  /** The record `get` answers, as its JSON text. */
  getJson(gsid: string): Promise<JsonText | undefined>;
  count(equals?: Equals): Promise<number>;
}

/**
 * A condition on a record's current representation, its JSON text as getJson answers it (an
 * If-Match header's, see server/etag.ts).
 */
export type Precondition = (current: string) => boolean;

export interface WriteOptions {
  /**
   * Write only if it holds for the record as it is, checked atomically with the write: the write
   * is conditional on the record still being the one checked, so of two writers that checked the
   * same version, one writes and the other gets PreconditionFailedError. No record: as without.
   */
  readonly precondition?: Precondition;
}

export interface UpdateOptions extends WriteOptions {
  /** Throws to refuse the record as the update leaves it; nothing is changed then. */
  readonly check?: (record: StoredRecord) => void;
}

/** A conditional write found the record in another version than its precondition allows; nothing was written. */
export class PreconditionFailedError extends Error {
  constructor() {
    super('the record does not satisfy the precondition');
    this.name = 'PreconditionFailedError';
  }
}

/** A lookup value that names no record: which row of a write, which field, which value. */
export interface MissingReference {
  readonly index: number;
  readonly field: string;
  readonly value: string;
}

/** The repository of an object or surface view, bound to one transaction. */
export type TransactionRecords = (object: ObjectDescription) => RecordRepository;

/**
 * Runs `work` in one transaction: everything it writes through the repositories it is given
 * commits together or not at all.
 */
export type Transact = <T>(work: (records: TransactionRecords) => Promise<T>) => Promise<T>;

/** What went wrong in the database, as far as the API cares. */
export type StoreFailure =
  /** `fields`: the fields of the violated unique key, when the store could tell. */
  | { readonly kind: 'unique'; readonly detail: string; readonly fields?: readonly string[] }
  | { readonly kind: 'foreignKey'; readonly detail: string }
  /** The database refused a value (a malformed time, a character it cannot store): a client error. */
  | { readonly kind: 'invalidInput'; readonly detail: string }
  | { readonly kind: 'unavailable'; readonly detail: string };

export class StoreError extends Error {
  constructor(readonly failure: StoreFailure) {
    super(`${failure.kind}: ${failure.detail}`);
    this.name = 'StoreError';
  }
}

/** An update of a batch matched no record; the whole batch was rolled back. */
export class NoMatchError extends Error {
  constructor(readonly index: number) {
    super(`update ${index} matched no record`);
    this.name = 'NoMatchError';
  }
}
