/**
 * Events that clients post to Gainsight's event manager (RudderStack's track call). The server
 * keeps them so an integration test can read back what its calls delivered.
 */
export interface StoredEvent {
  readonly eventId: string;
  readonly topicName: string;
  readonly eventName: string;
  readonly eventVersion: string;
  readonly tenantId: string;
  readonly contractId: string | null;
  readonly properties: unknown;
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
