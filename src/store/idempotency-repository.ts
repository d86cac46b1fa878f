/**
 * Idempotency keys in the database, so every node sees them. A claim opens a request
 * transaction (request-transaction.ts) and writes the key's row in it; the request's writes and,
 * at the end, its answer join the same transaction. Until it commits nobody else sees the row,
 * and a request with the same key waits on it (PostgreSQL's unique index waits for the
 * uncommitted row; SQLite's writer lock admits one transaction at a time), then finds the
 * recorded answer, or a free key if the first attempt was rolled back.
 */
import type { IdempotencyClaim, IdempotencyOutcome, IdempotencyStore, RecordedResponse } from '../domain/idempotency.js';
import { classified, type Database } from './database.js';

const TABLE = 'idempotency_key';

interface Row {
  fingerprint: string;
  status: number | null;
  headers: string | null;
  body: string | null;
}

export function createIdempotencyRepository(database: Database): IdempotencyStore {
  const { db } = database;

  return {
    claim: (request) =>
      classified(database, async (): Promise<IdempotencyOutcome> => {
        const transaction = await database.requestTransactions.begin();
        try {
          const where = { access_key_id: request.scope, request_key: request.key };
          const fresh = { fingerprint: request.fingerprint, created_at: request.at, status: null, headers: null, body: null };
          // A new key, or one whose answer has expired, is claimed; a live one is left alone.
          const claimed = await transaction.run(() =>
            db
              .insertInto(TABLE)
              .values({ ...where, ...fresh })
              .onConflict((conflict) =>
                conflict.columns(['access_key_id', 'request_key']).doUpdateSet(fresh).where(`${TABLE}.created_at`, '<', request.expiredBefore),
              )
              .returning('request_key')
              .executeTakeFirst(),
          );
          if (!claimed) {
            const row = (await transaction.run(() =>
              db.selectFrom(TABLE).select(['fingerprint', 'status', 'headers', 'body']).where('access_key_id', '=', where.access_key_id).where('request_key', '=', where.request_key).executeTakeFirstOrThrow(),
            )) as Row;
            await transaction.rollback();
            return { kind: 'recorded', fingerprint: row.fingerprint, response: recorded(row) };
          }
          // What the request writes after this point can be undone alone (a refused request).
          await transaction.mark();
          const claim: IdempotencyClaim = {
            run: (work) => transaction.run(work),
            complete: (response, { keepWrites }) =>
              classified(database, async () => {
                try {
                  if (!keepWrites) await transaction.undoToMark();
                  await transaction.run(() =>
                    db
                      .updateTable(TABLE)
                      .set({ status: response.status, headers: JSON.stringify(response.headers), body: response.body })
                      .where('access_key_id', '=', where.access_key_id)
                      .where('request_key', '=', where.request_key)
                      .execute(),
                  );
                  await transaction.commit();
                } catch (error) {
                  await transaction.rollback().catch(() => undefined);
                  throw error;
                }
              }),
            abandon: () => classified(database, () => transaction.rollback()),
          };
          return { kind: 'claimed', claim };
        } catch (error) {
          await transaction.rollback().catch(() => undefined);
          throw error;
        }
      }),

    prune: (expiredBefore) =>
      classified(database, async () => {
        const result = await db.deleteFrom(TABLE).where('created_at', '<', expiredBefore).executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}

/** Rows are visible to others only once complete, so the answer is always there. */
function recorded(row: Row): RecordedResponse {
  if (row.status === null || row.body === null) throw new Error('idempotency: a recorded key without its answer');
  return { status: Number(row.status), headers: JSON.parse(row.headers ?? '{}') as Record<string, string>, body: row.body };
}
