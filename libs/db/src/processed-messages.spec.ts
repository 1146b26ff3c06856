import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEntity } from './entities/index.js';
import { type Database, openDatabase } from './open-database.js';
import { type ConsumedMessage, markProcessedOnce } from './processed-messages.js';
import { makeStateDir } from './temp-state-dir.test-helpers.js';

let state: Awaited<ReturnType<typeof makeStateDir>>;
let db: Database;

beforeAll(async () => {
  state = await makeStateDir();
  db = await openDatabase({ stateDir: state.path });
});

afterAll(async () => {
  await db?.close();
  await state?.remove();
});

let sequence = 0;
function message(overrides: Partial<ConsumedMessage> = {}): ConsumedMessage {
  sequence += 1;
  return {
    consumerGroup: 'operator',
    messageKey: `evt-${sequence}`,
    topic: 'xreason.runs',
    partition: 0,
    offset: String(sequence),
    ...overrides,
  };
}

/** A handler the way consumers should write one: mark, and apply the effect only the first time. */
async function handle(event: ConsumedMessage, effect: () => void): Promise<boolean> {
  return db.dataSource.transaction(async (manager) => {
    const first = await markProcessedOnce(manager, event);
    if (first) effect();
    return first;
  });
}

describe('markProcessedOnce', () => {
  it('is true for the first delivery and false for every redelivery, each in its own transaction', async () => {
    const event = message();
    let applied = 0;
    expect(await handle(event, () => applied++)).toBe(true);
    expect(await handle(event, () => applied++)).toBe(false);
    expect(await handle({ ...event, offset: '999', partition: 2 }, () => applied++)).toBe(false);
    expect(applied).toBe(1);
  });

  it('keys by consumer group: another group processes the same message once too', async () => {
    const event = message();
    expect(await handle(event, () => undefined)).toBe(true);
    expect(await handle({ ...event, consumerGroup: 'api' }, () => undefined)).toBe(true);
    expect(await handle({ ...event, consumerGroup: 'api' }, () => undefined)).toBe(false);
  });

  it('does not mark a message whose handler failed: the mark rolls back with the effects', async () => {
    const event = message();
    const failing = db.dataSource.transaction(async (manager) => {
      expect(await markProcessedOnce(manager, event)).toBe(true);
      await manager
        .getRepository(RunEntity)
        .save({ kind: 'AlignmentRun', name: event.messageKey, spec: {}, phase: 'Pending' });
      throw new Error('handler crashed');
    });
    await expect(failing).rejects.toThrow('handler crashed');
    expect(await db.dataSource.getRepository(RunEntity).countBy({ name: event.messageKey })).toBe(0);

    expect(await handle(event, () => undefined)).toBe(true);
  });

  it('makes a concurrent duplicate wait for the first transaction, then answers false once it commits', async () => {
    const event = message();
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstMarked!: () => void;
    const firstHasMarked = new Promise<void>((resolve) => (firstMarked = resolve));

    const first = db.dataSource.transaction(async (manager) => {
      const result = await markProcessedOnce(manager, event);
      firstMarked();
      await firstMayCommit;
      return result;
    });
    await firstHasMarked;
    let secondSettled = false;
    const second = db.dataSource
      .transaction((manager) => markProcessedOnce(manager, event))
      .finally(() => (secondSettled = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(secondSettled).toBe(false); // blocked on the first transaction's row

    releaseFirst();
    expect(await first).toBe(true);
    expect(await second).toBe(false);
  });

  it('rejects a malformed message, naming every bad field, before touching the database', async () => {
    await expect(
      db.dataSource.transaction((manager) =>
        markProcessedOnce(manager, { consumerGroup: '', messageKey: 'k', topic: 't', partition: -1, offset: '12a' }),
      ),
    ).rejects.toThrow(
      'invalid consumed message: consumerGroup must be a non-empty string; partition must be a non-negative integer (got -1); offset must be a decimal int64 string (got "12a")',
    );
  });
});
