/** Access keys at rest: only a SHA-256 hash of each key is stored, never the key itself. */
import type { KeyRepository, StoredAccessKey } from '../domain/access-keys.js';
import { byCodePoint, type Database } from './database.js';
import { claimOnce } from './server-meta.js';

export type { KeyRepository };

type KeyRow = {
  id: string;
  name: string;
  key_hash: string;
  read_only: number;
  admin: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
};

function fromRow(row: KeyRow): StoredAccessKey {
  return {
    id: row.id,
    name: row.name,
    keyHash: row.key_hash,
    readOnly: row.read_only === 1,
    admin: row.admin === 1,
    createdAt: row.created_at,
    ...(row.last_used_at ? { lastUsedAt: row.last_used_at } : {}),
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  };
}

export function createKeyRepository(database: Database): KeyRepository {
  const { db } = database;
  return {
    async insert(key) {
      await db
        .insertInto('access_key')
        .values({
          id: key.id,
          name: key.name,
          key_hash: key.keyHash,
          read_only: key.readOnly ? 1 : 0,
          admin: key.admin ? 1 : 0,
          created_at: key.createdAt,
        })
        .execute();
    },

    async findById(id) {
      const row = await db.selectFrom('access_key').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? fromRow(row as KeyRow) : undefined;
    },

    async list() {
      const rows = await db.selectFrom('access_key').selectAll().orderBy('created_at').orderBy(byCodePoint(database, 'id')).execute();
      return rows.map((row) => fromRow(row as KeyRow));
    },

    async revoke(id, at) {
      const result = await db
        .updateTable('access_key')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async touch(id, at, staleBefore) {
      await db
        .updateTable('access_key')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', staleBefore)]))
        .execute();
    },

    async countActive() {
      const row = await db
        .selectFrom('access_key')
        .select((eb) => eb.fn.countAll().as('count'))
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    claimBootstrap: (at) => claimOnce(db, 'bootstrap_key_created', at),
  };
}
