/**
 * Fault rules at rest (table `sandbox_fault`, migration 0007). The counters are changed by single
 * statements guarded by `times`, so however many nodes race for the last hit, exactly one gets it.
 */
import { sql } from 'kysely';
import type { FaultRule } from '../domain/sandbox/faults.js';
import type { FaultStore } from '../domain/sandbox/ports.js';
import { classifyAll, type Database } from './database.js';

type Row = { id: string; created_at: string | Date; rule: string; times: unknown; seen: unknown; hits: unknown };

function fromRow(row: Row): FaultRule {
  const rule = JSON.parse(row.rule) as Omit<FaultRule, 'matched' | 'hits' | 'expired'>;
  const times = row.times === null ? null : Number(row.times);
  const hits = Number(row.hits);
  return { ...rule, matched: Number(row.seen), hits, expired: times !== null && hits >= times };
}

export function createFaultStore(database: Database): FaultStore {
  const { db } = database;
  const notExpired = sql<boolean>`(times is null or hits < times)`;
  const store: FaultStore = {
    async insert(rule) {
      await db
        .insertInto('sandbox_fault')
        .values({ id: rule.id, created_at: rule.createdAt, rule: JSON.stringify(rule), times: rule.times, seen: 0, hits: 0 })
        .execute();
      return { ...rule, matched: 0, hits: 0, expired: false };
    },

    async list() {
      const rows = (await db.selectFrom('sandbox_fault').selectAll().orderBy('created_at').orderBy('id').execute()) as Row[];
      return rows.map(fromRow);
    },

    async active() {
      const rows = (await db.selectFrom('sandbox_fault').selectAll().where(notExpired).orderBy('created_at').orderBy('id').execute()) as Row[];
      return rows.map(fromRow);
    },

    async remove(id) {
      const result = await db.deleteFrom('sandbox_fault').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async removeAll() {
      const result = await db.deleteFrom('sandbox_fault').executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async countMatch(id) {
      const row = (await db
        .updateTable('sandbox_fault')
        .set({ seen: sql`seen + 1` })
        .where('id', '=', id)
        .where(notExpired)
        .returning('seen')
        .executeTakeFirst()) as { seen: unknown } | undefined;
      return row ? Number(row.seen) : undefined;
    },

    async claimHit(id) {
      const result = await db.updateTable('sandbox_fault').set({ hits: sql`hits + 1` }).where('id', '=', id).where(notExpired).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async countAndClaim(id) {
      const result = await db
        .updateTable('sandbox_fault')
        .set({ seen: sql`seen + 1`, hits: sql`hits + 1` })
        .where('id', '=', id)
        .where(notExpired)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
  return classifyAll(database, store);
}
