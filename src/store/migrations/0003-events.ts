import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../database.js';

/**
 * Events posted to the event manager (`/v1.0/api/eventManager/event`). Records of the objects in
 * the registry need no migration: their tables follow the descriptions (object-tables.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('nxt_event')
    .addColumn('event_id', sql.raw(t.text), (c) => c.primaryKey())
    .addColumn('topic_name', sql.raw(t.text), (c) => c.notNull())
    .addColumn('event_name', sql.raw(t.text), (c) => c.notNull())
    .addColumn('event_version', sql.raw(t.text), (c) => c.notNull())
    .addColumn('tenant_id', sql.raw(t.text), (c) => c.notNull())
    .addColumn('contract_id', sql.raw(t.text))
    // The event's properties as JSON text: read and written whole, never queried into.
    .addColumn('properties', sql.raw(t.text), (c) => c.notNull())
    .addColumn('received_date', sql.raw(t.timestamp), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('nxt_event_topic_idx').on('nxt_event').columns(['topic_name', 'event_name', 'received_date']).execute();
}
