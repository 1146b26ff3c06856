import type { V1CronJob } from '@kubernetes/client-node';
import { API_VERSION, type EvalSchedule } from '@xreason/contracts';

type ScheduleObject = Omit<EvalSchedule, 'metadata'> & {
  metadata: Omit<EvalSchedule['metadata'], 'creationTimestamp'>;
};
import { FIELD_MANAGER, LABELS, boundedName } from '../labels.js';
import type { StageJobOptions } from './stage-job.builder.js';

/**
 * The CronJob an EvalSchedule becomes: the eval worker on the schedule's cron and time zone, never two
 * evaluations of one schedule at once (`Forbid`), a missed night skipped rather than run late twice.
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
  const limits: Record<string, string> = {};
  if (resources.gpus) limits['nvidia.com/gpu'] = String(resources.gpus);
  if (resources.cpu) limits.cpu = resources.cpu;
  if (resources.memory) limits.memory = resources.memory;
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
            rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
          },
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
              ...((resources.priorityClassName ?? options.defaultPriorityClassName)
                ? { priorityClassName: resources.priorityClassName ?? options.defaultPriorityClassName }
                : {}),
              ...(resources.nodeSelector ? { nodeSelector: { ...resources.nodeSelector } } : {}),
              ...(resources.tolerations ? { tolerations: resources.tolerations.map((t) => ({ ...t })) } : {}),
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 10001,
                runAsGroup: 10001,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              containers: [
                {
                  name: 'worker',
                  image: options.images.eval,
                  args: ['schedule'],
                  env: [
                    { name: 'XREASON_EVAL_SCHEDULE', value: schedule.metadata.name },
                    { name: 'XREASON_EVAL_SCHEDULE_SPEC', value: JSON.stringify(schedule.spec) },
                    ...(options.env ?? []),
                  ],
                  ...(options.envFromSecret ? { envFrom: [{ secretRef: { name: options.envFromSecret } }] } : {}),
                  ...(Object.keys(limits).length ? { resources: { limits, requests: { ...limits } } } : {}),
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ['ALL'] },
                  },
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                },
              ],
              volumes: [{ name: 'tmp', emptyDir: {} }],
            },
          },
        },
      },
    },
  };
}
