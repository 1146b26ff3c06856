import { createHash } from 'node:crypto';

/** The one field manager for every server-side apply the operator makes. */
export const FIELD_MANAGER = 'xreason-operator';

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  run: 'xreason.io/run',
  stage: 'xreason.io/stage',
  attempt: 'xreason.io/attempt',
  schedule: 'xreason.io/eval-schedule',
  kueueQueue: 'kueue.x-k8s.io/queue-name',
  jobName: 'batch.kubernetes.io/job-name',
} as const;

export const ANNOTATIONS = {
  runUid: 'xreason.io/run-uid',
  completionIndex: 'batch.kubernetes.io/job-completion-index',
} as const;

/** Selects every object the operator created (its informers watch only these). */
export const MANAGED_SELECTOR = `${LABELS.managedBy}=${FIELD_MANAGER}`;

/**
 * A DNS-1123 label of at most `max` characters: names that fit are kept whole (readable in kubectl);
 * longer ones keep a prefix and end in a hash of the whole, so distinct inputs stay distinct.
 */
export function boundedName(parts: readonly (string | number)[], max = 63): string {
  const whole = parts.join('-').toLowerCase();
  if (whole.length <= max) return whole;
  const hash = createHash('sha256').update(whole).digest('hex').slice(0, 8);
  return `${whole.slice(0, max - 9).replace(/-+$/, '')}-${hash}`;
}

/** The Job of one attempt of one stage: deterministic, so a second create is a 409, never a duplicate. */
export function jobName(run: string, stage: string, attempt: number): string {
  return boundedName([run, stage, attempt]);
}
