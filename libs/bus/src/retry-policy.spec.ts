import { describe, expect, it } from 'vitest';
import { backoffMs } from './retry-policy.js';

describe('backoffMs', () => {
  const policy = { maxAttempts: 5, initialMs: 100, maxMs: 1_000 };

  it('doubles the ceiling with every failed attempt, with jitter in its upper half', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(policy, n, () => 1))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3, 4].map((n) => backoffMs(policy, n, () => 0))).toEqual([50, 100, 200, 400]);
  });

  it('never waits longer than maxMs', () => {
    expect(backoffMs(policy, 30, () => 1)).toBe(1_000);
  });
});
