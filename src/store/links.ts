/**
 * Link rows of linking references: a reference declared with `links` (a person's seed
 * `CompanyId`) is also recorded as a row of the link object (`company_person`), once per pair.
 */
import type { Kysely } from 'kysely';
import { GSID_LENGTH } from '../domain/gsid.js';
import { sha256 } from '../domain/sha256.js';
import type { FieldDescription, ObjectDescription } from '../domain/object-model.js';
import type { ObjectRegistry } from '../domain/registry.js';

/** What the store needs of the object registry: every object, and each by name. */
export type ObjectCatalog = Pick<ObjectRegistry, 'all' | 'lookUp'>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ROWS_PER_STATEMENT = 5000;

/**
 * The Gsid of the link a linking reference records: the time part of the linking record's Gsid
 * plus a hash of the pair, so it is the same on every node and every run, and a seeded data set
 * stays deterministic.
 */
export function linkGsid(targetGsid: string, selfGsid: string): string {
  const digest = sha256(`${targetGsid}:${selfGsid}`);
  let id = selfGsid.slice(0, 9);
  for (let i = 0; id.length < GSID_LENGTH; i++) id += ALPHABET[digest[i % digest.length]! % 36];
  return id;
}

export interface LinkPair {
  /** Gsid of the record that holds the reference. */
  readonly self: string;
  /** Gsid it points at. */
  readonly target: string;
  /** Timestamp of the link (the write that set the reference). */
  readonly at: string;
}

/** Records the links of `field`'s pairs; a pair already linked stays as it is. */
export async function insertLinks(executor: Db, catalog: ObjectCatalog, field: FieldDescription, pairs: readonly LinkPair[]): Promise<void> {
  if (pairs.length === 0) return;
  const link = catalog.lookUp(field.links!.object)!;
  const selfColumn = link.fieldByName.get(field.links!.self)!.column;
  const targetColumn = link.fieldByName.get(field.links!.target)!.column;
  const rows = pairs.map(({ self, target, at }) => ({
    gsid: linkGsid(target, self),
    [selfColumn]: self,
    [targetColumn]: target,
    created_date: at,
    modified_date: at,
  }));
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await executor
      .insertInto(link.table)
      .values(rows.slice(start, start + ROWS_PER_STATEMENT))
      // Any conflict means the pair is linked already: the unique pair, or the primary key, whose
      // Gsid derives from the pair (link fields cannot change after creation).
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/**
 * Records the links of every reference already set when the link table did not exist yet (a
 * database from before links), in chunks, so the rule "the reference is one of the links" holds
 * for old records too.
 */
export async function backfillLinks(executor: Db, catalog: ObjectCatalog, object: ObjectDescription, field: FieldDescription): Promise<number> {
  let after = '';
  let total = 0;
  for (;;) {
    const rows = (await executor
      .selectFrom(object.table)
      .select(['gsid', `${field.column} as target`, 'modified_date'])
      .where(field.column, 'is not', null)
      .where('gsid', '>', after)
      .orderBy('gsid')
      .limit(ROWS_PER_STATEMENT)
      .execute()) as { gsid: string; target: string; modified_date: string }[];
    if (rows.length === 0) return total;
    await insertLinks(executor, catalog, field, rows.map((row) => ({ self: row.gsid, target: row.target, at: row.modified_date })));
    total += rows.length;
    after = rows[rows.length - 1]!.gsid;
  }
}
