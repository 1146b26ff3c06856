import type { ConsumedMessageKey, IdempotencyStore } from '@xreason/contracts';
import type { DataSource, EntityManager } from 'typeorm';

/** The key of a consumed message; the shape is shared with `libs/bus` through contracts. */
export type ConsumedMessage = ConsumedMessageKey;

/**
 * Records that `message` has been handled by its consumer group and answers whether this call was
 * the first to do so. Call it with the transaction's manager *before* the handler's effects and skip
 * them on `false`: the row commits or rolls back together with the effects, so a redelivered message
 * is applied exactly once. A concurrent duplicate blocks on the key until the first transaction ends,
 * then gets `false` if that one committed, or `true` if it rolled back.
 */
export async function markProcessedOnce(manager: EntityManager, message: ConsumedMessage): Promise<boolean> {
  checkMessage(message);
  const inserted: unknown[] = await manager.query(
    `INSERT INTO "processed_messages" ("consumer_group", "message_key", "topic", "partition", "offset")
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT ("consumer_group", "message_key") DO NOTHING
     RETURNING 1`,
    [message.consumerGroup, message.messageKey, message.topic, message.partition, message.offset],
  );
  return inserted.length === 1;
}

function checkMessage(message: ConsumedMessage): void {
  const problems: string[] = [];
  for (const field of ['consumerGroup', 'messageKey', 'topic'] as const) {
    if (typeof message[field] !== 'string' || message[field] === '')
      problems.push(`${field} must be a non-empty string`);
  }
  if (!Number.isInteger(message.partition) || message.partition < 0) {
    problems.push(`partition must be a non-negative integer (got ${String(message.partition)})`);
  }
  if (typeof message.offset !== 'string' || !/^\d{1,19}$/.test(message.offset)) {
    problems.push(`offset must be a decimal int64 string (got ${JSON.stringify(message.offset)})`);
  }
  if (problems.length > 0) throw new TypeError(`invalid consumed message: ${problems.join('; ')}`);
}

/**
 * The Postgres implementation of contracts' IdempotencyStore: the processed-message marker and the
 * handler's writes (through the EntityManager it receives) commit or roll back together.
 */
export function postgresIdempotencyStore(dataSource: DataSource): IdempotencyStore<EntityManager> {
  return {
    runOnce: (key, effect) =>
      dataSource.transaction(async (manager) => {
        if (!(await markProcessedOnce(manager, key))) return false;
        await effect(manager);
        return true;
      }),
  };
}
