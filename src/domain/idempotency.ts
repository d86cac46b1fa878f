/**
 * What Idempotency-Key needs from storage (implemented by store/idempotency-repository.ts): a
 * claim on a key that holds the request's writes in the same transaction as the record of its
 * answer, so the answer is recorded exactly when the writes happened.
 */

/** An answer as it was sent: replayed byte for byte. */
export interface RecordedResponse {
  readonly status: number;
  /** The headers that describe the body (Content-Type, ETag, ...), lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface IdempotencyRequest {
  /** Whose key it is: the access key's id. */
  readonly scope: string;
  readonly key: string;
  /** Tells one request from another (method, path, body, If-Match), see requestFingerprint. */
  readonly fingerprint: string;
  /** ISO 8601 time of the request. */
  readonly at: string;
  /** Answers recorded before this time have expired: the key is free again. */
  readonly expiredBefore: string;
}

/**
 * The key is this request's now. Until `complete` or `abandon`, nobody else sees the claim: a
 * request with the same key waits for the outcome (the database's row lock).
 */
export interface IdempotencyClaim {
  /** Runs the request's work: every statement it issues joins the claim's transaction. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Records the answer and commits it with the work's writes. `keepWrites: false` (a refused
   * request) first undoes whatever the work wrote, so only the answer is recorded.
   */
  complete(response: RecordedResponse, options: { readonly keepWrites: boolean }): Promise<void>;
  /** Undoes the work and the claim: the key stays free, a retry runs the request again. */
  abandon(): Promise<void>;
}

export type IdempotencyOutcome =
  | { readonly kind: 'claimed'; readonly claim: IdempotencyClaim }
  /** The key's answer is recorded (unexpired): replay it, if the request is the same one. */
  | { readonly kind: 'recorded'; readonly fingerprint: string; readonly response: RecordedResponse };

export interface IdempotencyStore {
  claim(request: IdempotencyRequest): Promise<IdempotencyOutcome>;
  /** Deletes the answers recorded before `expiredBefore`; answers how many. */
  prune(expiredBefore: string): Promise<number>;
}
