/** Facts about this database that the server keeps for itself (table `server_meta`). */
import type { Kysely } from 'kysely';

/**
 * Claims a one-time right (create the first key, load the demo data). True for exactly one
 * caller however many nodes try at once: the table's primary key decides.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function claimOnce(db: Kysely<any>, key: string, at: string): Promise<boolean> {
  const result = await db
    .insertInto('server_meta')
    .values({ key, value: at })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}
