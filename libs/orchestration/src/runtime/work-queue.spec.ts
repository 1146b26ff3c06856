import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

describe('WorkQueue', () => {
  it('queues a key once however often it is added before a worker takes it', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect([await q.get(), await q.get()]).toEqual(['a', 'b']);
  });

  it('never hands a key in flight to a second worker, and requeues it when done if it changed meanwhile', async () => {
    const q = new WorkQueue();
    q.add('a');
    const first = await q.get();
    q.add('a');
    expect(q.length).toBe(0);
    q.done(first as string);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
  });

  it('hands a key to a waiting worker as soon as it is added', async () => {
    const q = new WorkQueue();
    const next = q.get();
    q.add('x');
    expect(await next).toBe('x');
  });

  it('doubles the requeue delay per failure of a key and forget resets it', () => {
    const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 35 });
    expect([q.addRateLimited('k'), q.addRateLimited('k'), q.addRateLimited('k')]).toEqual([10, 20, 35]);
    q.forget('k');
    expect(q.addRateLimited('k')).toBe(10);
    q.shutdown();
  });

  it('brings a key back after addAfter, keeping the earliest of two pending adds', async () => {
    const q = new WorkQueue();
    q.addAfter('k', 1_000);
    q.addAfter('k', 5);
    await sleep(30);
    expect(q.length).toBe(1);
    q.shutdown();
  });

  it('releases waiting workers with undefined on shutdown', async () => {
    const q = new WorkQueue();
    const next = q.get();
    q.shutdown();
    expect(await next).toBeUndefined();
  });
});
