/** Exponential backoff with full jitter, capped: attempt 1 waits up to `initialMs`, then doubles. */
export interface RetryPolicy {
  /** Handler attempts before the message goes to the dead-letter topic (≥ 1). */
  maxAttempts: number;
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, initialMs: 200, maxMs: 10_000 };

export function backoffMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}
