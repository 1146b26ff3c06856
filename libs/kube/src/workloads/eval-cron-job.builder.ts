import type { V1CronJob } from '@kubernetes/client-node';
import { API_VERSION, EVAL_SCHEDULE_ENV, type EvalSchedule } from '@xreason/contracts';
import { FIELD_MANAGER, LABELS, boundedName } from '../labels.js';
import { EXIT_INVALID_INPUT } from './stage-job.builder.js';
import { buildWorkerPodSpec, type StageJobOptions } from './worker-pod.js';

type ScheduleObject = Omit<EvalSchedule, 'metadata'> & {
  metadata: Omit<EvalSchedule['metadata'], 'creationTimestamp'>;
};

/**
 * The CronJob an EvalSchedule becomes: the eval worker on the schedule's cron and time zone, never two
 * evaluations of one schedule at once (`Forbid`), a missed night skipped rather than run late twice.
 * Its pod is a worker pod like a stage Job's (same options, same code): DATABASE_URL from the
 * environment Secret, KAFKA_BROKERS/TRITON_URL from the operator, the artifact store at /artifacts
 * (the night's reports go to `/artifacts/schedules/<name>`).
 */
export function buildEvalCronJob(schedule: ScheduleObject, options: StageJobOptions): V1CronJob {
  const name = boundedName([schedule.metadata.name, 'eval'], 52); // CronJob names ≤ 52: the controller appends a suffix
  const namespace = schedule.metadata.namespace ?? 'default';
  const resources = schedule.spec.resources ?? {};
  const labels = {
    [LABELS.managedBy]: FIELD_MANAGER,
    [LABELS.partOf]: 'xreason',
    [LABELS.name]: 'xreason-eval',
    [LABELS.component]: 'eval-schedule',
    [LABELS.schedule]: schedule.metadata.name,
    ...(options.kueueQueue ? { [LABELS.kueueQueue]: options.kueueQueue } : {}),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name,
      namespace,
      labels,
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: 'EvalSchedule',
          name: schedule.metadata.name,
          uid: schedule.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      schedule: schedule.spec.schedule,
      timeZone: schedule.spec.timeZone ?? 'UTC',
      suspend: schedule.spec.suspend ?? false,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          ...(options.kueueQueue ? { suspend: true } : {}),
          backoffLimit: 1,
          podFailurePolicy: {
            rules: [
              { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
              // a bad spec or missing input: the retry would fail the same way
              {
                action: 'FailJob',
                onExitCodes: { containerName: 'worker', operator: 'In', values: [EXIT_INVALID_INPUT] },
              },
            ],
          },
          template: {
            metadata: { labels },
            spec: buildWorkerPodSpec(
              options,
              {
                image: options.images.eval,
                args: ['schedule'],
                env: [
                  { name: EVAL_SCHEDULE_ENV.schedule, value: schedule.metadata.name },
                  { name: EVAL_SCHEDULE_ENV.spec, value: JSON.stringify(schedule.spec) },
                ],
              },
              resources,
            ),
          },
        },
      },
    },
  };
}
