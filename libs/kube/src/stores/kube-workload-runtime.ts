import type { V1Job } from '@kubernetes/client-node';
import type { ObservedWorkload, RunRef, WorkloadRequest, WorkloadRuntime, WorkloadState } from '@xreason/orchestration';
import { type KubeApis, SERVER_SIDE_APPLY, isStatus, isoTime } from '../kube-client.js';
import { FIELD_MANAGER, LABELS, MANAGED_SELECTOR } from '../labels.js';
import { ResilientInformer } from '../runtime/resilient-informer.js';
import { buildStageWorkload } from '../workloads/stage-job.builder.js';
import type { StageJobOptions } from '../workloads/worker-pod.js';

/**
 * WorkloadRuntime over batch/v1 Jobs. Jobs are *created*, not applied: their pod template is immutable,
 * and once Kueue is in play `spec.suspend` belongs to Kueue — an apply that re-asserted `suspend: true`
 * would fight it. A create of an existing (deterministically named) Job is a 409 and counts as done.
 * The headless Service of a multi-node stage is applied (it is ours alone).
 */
export class KubeWorkloadRuntime implements WorkloadRuntime {
  readonly informer: ResilientInformer<V1Job>;
  private readonly listeners = new Set<(ref: RunRef) => void>();

  constructor(
    private readonly apis: KubeApis,
    private readonly options: StageJobOptions,
    private readonly namespace?: string,
    log?: (message: string) => void,
  ) {
    const selector = `${MANAGED_SELECTOR},${LABELS.run}`;
    this.informer = new ResilientInformer<V1Job>({
      kubeConfig: apis.kubeConfig,
      path: namespace ? `/apis/batch/v1/namespaces/${namespace}/jobs` : '/apis/batch/v1/jobs',
      labelSelector: selector,
      list: () =>
        namespace
          ? apis.batch.listNamespacedJob({ namespace, labelSelector: selector })
          : apis.batch.listJobForAllNamespaces({ labelSelector: selector }),
      onChange: (job) => {
        const run = job.metadata?.labels?.[LABELS.run];
        if (!run) return;
        for (const l of this.listeners) l({ namespace: job.metadata?.namespace ?? 'default', name: run });
      },
      ...(log ? { log } : {}),
    });
  }

  async list(run: RunRef): Promise<ObservedWorkload[]> {
    return this.informer
      .list(run.namespace)
      .filter((job) => job.metadata?.labels?.[LABELS.run] === run.name)
      .flatMap((job) => {
        const w = observeJob(job);
        return w ? [w] : [];
      });
  }

  async start(request: WorkloadRequest): Promise<void> {
    const { job, service } = buildStageWorkload(request, this.options);
    if (service) {
      await this.apis.core.patchNamespacedService(
        {
          name: service.metadata?.name ?? '',
          namespace: request.run.namespace,
          body: service,
          fieldManager: FIELD_MANAGER,
          force: true,
        },
        SERVER_SIDE_APPLY,
      );
    }
    try {
      await this.apis.batch.createNamespacedJob({
        namespace: request.run.namespace,
        body: job,
        fieldManager: FIELD_MANAGER,
      });
    } catch (error) {
      if (!isStatus(error, 409)) throw error; // AlreadyExists: this attempt was started before
    }
  }

  async removeAll(run: RunRef): Promise<number> {
    const labelSelector = `${MANAGED_SELECTOR},${LABELS.run}=${run.name}`;
    const jobs = await this.apis.batch.listNamespacedJob({ namespace: run.namespace, labelSelector });
    for (const job of jobs.items) {
      if (job.metadata?.deletionTimestamp) continue;
      try {
        await this.apis.batch.deleteNamespacedJob({
          name: job.metadata?.name ?? '',
          namespace: run.namespace,
          propagationPolicy: 'Background',
        });
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    const services = await this.apis.core.listNamespacedService({ namespace: run.namespace, labelSelector });
    for (const service of services.items) {
      try {
        await this.apis.core.deleteNamespacedService({ name: service.metadata?.name ?? '', namespace: run.namespace });
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    return (await this.apis.batch.listNamespacedJob({ namespace: run.namespace, labelSelector })).items.length;
  }

  subscribe(listener: (ref: RunRef) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The Failed condition's reason when a podFailurePolicy FailJob rule matched (batch/v1 JobReasonPodFailurePolicy). */
export const JOB_FAILED_BY_POD_FAILURE_POLICY = 'PodFailurePolicy';

/** A Job's state as the reconciler sees it; undefined for Jobs without our stage labels. */
export function observeJob(job: V1Job): ObservedWorkload | undefined {
  const labels = job.metadata?.labels ?? {};
  const stage = labels[LABELS.stage];
  const attempt = Number(labels[LABELS.attempt]);
  if (!stage || !Number.isInteger(attempt) || attempt < 1) return undefined;
  const conditions = job.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  const failed = isTrue('Failed');
  const complete = isTrue('Complete');
  let state: WorkloadState;
  let message: string | undefined;
  if (complete) state = 'Succeeded';
  else if (failed) {
    state = 'Failed';
    message = [failed.reason, failed.message].filter(Boolean).join(': ') || undefined;
  } else if (job.spec?.suspend) {
    state = 'Suspended';
    // A Job that had started and is suspended again was preempted by Kueue; it resumes when re-admitted.
    message = job.status?.startTime
      ? 'preempted: suspended by its queue, waiting to be admitted again'
      : 'waiting for its queue to admit it';
  } else if ((job.status?.active ?? 0) > 0) state = 'Running';
  else state = 'Pending';
  const startedAt = isoTime(job.status?.startTime);
  const finishedAt = isoTime(job.status?.completionTime) ?? isoTime(failed?.lastTransitionTime);
  return {
    stage,
    attempt,
    state,
    // Only a FailJob rule of the podFailurePolicy fails a Job with this reason, and the stage Job's only
    // FailJob rule is the worker's exit code 64 (bad input): retrying cannot help, as locally.
    ...(failed?.reason === JOB_FAILED_BY_POD_FAILURE_POLICY ? { permanent: true } : {}),
    ...(message ? { message } : {}),
    ...(startedAt ? { startedAt } : {}),
    ...((complete || failed) && finishedAt ? { finishedAt } : {}),
  };
}
