/** Where a consumed message came from: the key under which its one effect is recorded. */
export interface ConsumedMessageKey {
  consumerGroup: string;
  /** The envelope's messageId: a redelivery or a producer retry carries the same one. */
  messageKey: string;
  topic: string;
  partition: number;
  /** Kafka offsets are int64: a decimal string. */
  offset: string;
}

/**
 * Exactly-one-effect handling for Kafka consumers (DESIGN §4). `libs/bus` calls it; `libs/db`
 * implements it with the `processed_messages` table, so the marker and the handler's writes commit in
 * one transaction. It lives here because bus and db are both infra and must not import each other.
 */
export interface IdempotencyStore<Transaction = unknown> {
  /**
   * Runs `effect` inside a transaction that also records `key`, unless `key` was recorded before.
   * Resolves true when the effect ran (and committed), false for a duplicate; a throwing effect rolls
   * back both, so the message is retried.
   */
  runOnce(key: ConsumedMessageKey, effect: (transaction: Transaction) => Promise<void>): Promise<boolean>;
}
