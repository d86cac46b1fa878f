/** Received events, stored with their headers; the properties as JSON text, read back whole. */
import type { EventQuery, EventRepository } from '../domain/events.js';
import type { Database } from './database.js';

export type { EventRepository };

type Row = {
  event_id: string;
  topic_name: string;
  event_name: string;
  event_version: string;
  tenant_id: string;
  contract_id: string | null;
  properties: string;
  received_date: string;
};

export function createEventRepository(database: Database): EventRepository {
  const { db } = database;
  const filtered = ({ topicName, eventName }: EventQuery) => {
    let query = db.selectFrom('nxt_event');
    if (topicName !== undefined) query = query.where('topic_name', '=', topicName);
    if (eventName !== undefined) query = query.where('event_name', '=', eventName);
    return query;
  };
  return {
    async insert(event) {
      await db
        .insertInto('nxt_event')
        .values({
          event_id: event.eventId,
          topic_name: event.topicName,
          event_name: event.eventName,
          event_version: event.eventVersion,
          tenant_id: event.tenantId,
          contract_id: event.contractId,
          properties: JSON.stringify(event.properties),
          received_date: event.receivedDate,
        })
        .execute();
    },
    async list(query) {
      const [rows, count] = await Promise.all([
        filtered(query).selectAll().orderBy('received_date').orderBy('event_id').limit(query.limit).offset(query.offset).execute(),
        filtered(query).select((eb) => eb.fn.countAll().as('count')).executeTakeFirstOrThrow(),
      ]);
      return {
        records: (rows as Row[]).map((row) => ({
          eventId: row.event_id,
          topicName: row.topic_name,
          eventName: row.event_name,
          eventVersion: row.event_version,
          tenantId: row.tenant_id,
          contractId: row.contract_id,
          properties: JSON.parse(row.properties) as unknown,
          receivedDate: row.received_date,
        })),
        totalCount: Number((count as { count: unknown }).count),
      };
    },
  };
}
