import { randomUUID } from 'node:crypto';
import { describeValue, errors } from './errors.js';
import { isPlainObject } from './json.js';
import { isStorableText } from './text.js';

/**
 * Events that clients post to Gainsight's event manager (RudderStack's track call). The server
 * keeps them so an integration test can read back what its calls delivered.
 */
/** An event as the client posted it: its identity (from headers) and its properties (the body). */
export interface PostedEvent {
  readonly topicName: string;
  readonly eventName: string;
  readonly eventVersion: string;
  readonly tenantId: string;
  readonly contractId: string | null;
  readonly properties: unknown;
}

/** A posted event as kept: with its id and the time it arrived. */
export interface StoredEvent extends PostedEvent {
  readonly eventId: string;
  readonly receivedDate: string;
}

export interface EventQuery {
  readonly topicName?: string;
  readonly eventName?: string;
  readonly offset: number;
  readonly limit: number;
}

export interface EventRepository {
  insert(event: StoredEvent): Promise<void>;
  /** Oldest first, with the number of matching events over all pages. */
  list(query: EventQuery): Promise<{ records: StoredEvent[]; totalCount: number }>;
}

export interface EventService {
  post(event: PostedEvent): Promise<{ eventId: string }>;
  list(query: EventQuery): Promise<{ records: StoredEvent[]; totalCount: number }>;
}

export function createEventService(repository: EventRepository, clock: () => Date = () => new Date()): EventService {
  return {
    async post(event) {
      if (!isPlainObject(event.properties)) {
        throw errors.badRequest(`Request body must be a JSON object of event properties, not ${describeValue(event.properties)}`);
      }
      const eventId = randomUUID();
      await repository.insert({ ...event, eventId, receivedDate: clock().toISOString() });
      return { eventId };
    },
    async list(query) {
      for (const name of ['topicName', 'eventName'] as const) {
        const value = query[name];
        if (value !== undefined && !isStorableText(value)) throw errors.invalidValue(name, 'contains a NUL character or an unpaired surrogate', value);
      }
      return repository.list(query);
    },
  };
}
