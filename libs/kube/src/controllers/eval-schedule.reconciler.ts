import { API_GROUP, API_VERSION, type EvalSchedule } from '@xreason/contracts';
import { type RunRef, setConditions } from '@xreason/orchestration';
import { type KubeApis, SERVER_SIDE_APPLY, isoTime } from '../kube-client.js';
import { FIELD_MANAGER } from '../labels.js';
import { ResilientInformer } from '../runtime/resilient-informer.js';
import { buildEvalCronJob } from '../workloads/eval-cron-job.builder.js';
import type { StageJobOptions } from '../workloads/worker-pod.js';

export const EVAL_SCHEDULE_PLURAL = 'evalschedules';

export type EvalScheduleObject = Omit<EvalSchedule, 'metadata'> & {
  metadata: Omit<EvalSchedule['metadata'], 'creationTimestamp'> & { deletionTimestamp?: Date };
};

/**
 * EvalSchedule → CronJob. The CronJob is desired state owned wholly by the operator, so it is
 * server-side applied on every reconcile (a no-op when unchanged; a schedule edit flows through);
 * its ownerReference lets the garbage collector remove it with the schedule, so no finalizer is needed.
 */
export class EvalScheduleReconciler {
  readonly informer: ResilientInformer<EvalScheduleObject>;

  constructor(
    private readonly apis: KubeApis,
    private readonly options: StageJobOptions,
    onChange: (ref: RunRef) => void,
    namespace?: string,
    private readonly clock: () => Date = () => new Date(),
    log?: (message: string) => void,
  ) {
    this.informer = new ResilientInformer<EvalScheduleObject>({
      kubeConfig: apis.kubeConfig,
      path: namespace
        ? `/apis/${API_VERSION}/namespaces/${namespace}/${EVAL_SCHEDULE_PLURAL}`
        : `/apis/${API_VERSION}/${EVAL_SCHEDULE_PLURAL}`,
      list: () =>
        namespace
          ? apis.custom.listNamespacedCustomObject({
              group: API_GROUP,
              version: 'v1alpha1',
              namespace,
              plural: EVAL_SCHEDULE_PLURAL,
            })
          : apis.custom.listClusterCustomObject({
              group: API_GROUP,
              version: 'v1alpha1',
              plural: EVAL_SCHEDULE_PLURAL,
            }),
      onChange: (s) => onChange({ namespace: s.metadata.namespace ?? 'default', name: s.metadata.name }),
      ...(log ? { log } : {}),
    });
  }

  async reconcile(ref: RunRef): Promise<void> {
    const schedule = this.informer.get(ref.name, ref.namespace);
    if (!schedule || schedule.metadata.deletionTimestamp) return;
    const cronJob = buildEvalCronJob(schedule, this.options);
    const applied = await this.apis.batch.patchNamespacedCronJob(
      {
        name: cronJob.metadata?.name ?? '',
        namespace: ref.namespace,
        body: cronJob,
        fieldManager: FIELD_MANAGER,
        force: true,
      },
      SERVER_SIDE_APPLY,
    );
    const generation = schedule.metadata.generation ?? 0;
    const suspended = schedule.spec.suspend === true;
    const conditions = setConditions(
      schedule.status?.conditions ?? [],
      [
        suspended
          ? { type: 'Available', status: 'False', reason: 'Suspended', message: 'spec.suspend is true' }
          : {
              type: 'Available',
              status: 'True',
              reason: 'CronJobReady',
              message: `CronJob ${cronJob.metadata?.name} runs on "${schedule.spec.schedule}"`,
            },
        { type: 'Progressing', status: 'False', reason: 'AsExpected', message: '' },
        { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '' },
      ],
      generation,
      this.clock(),
    );
    const lastScheduleTime = isoTime(applied.status?.lastScheduleTime);
    const lastSuccessfulTime = isoTime(applied.status?.lastSuccessfulTime);
    const status = {
      ...schedule.status,
      observedGeneration: generation,
      conditions,
      ...(lastScheduleTime ? { lastScheduleTime } : {}),
      ...(lastSuccessfulTime ? { lastSuccessfulTime } : {}),
    };
    if (JSON.stringify(status) === JSON.stringify(schedule.status)) return;
    await this.apis.custom.patchNamespacedCustomObjectStatus(
      {
        group: API_GROUP,
        version: 'v1alpha1',
        namespace: ref.namespace,
        plural: EVAL_SCHEDULE_PLURAL,
        name: ref.name,
        body: {
          apiVersion: API_VERSION,
          kind: 'EvalSchedule',
          metadata: { name: ref.name, namespace: ref.namespace },
          status,
        },
        fieldManager: FIELD_MANAGER,
        force: true,
      },
      SERVER_SIDE_APPLY,
    );
  }
}
