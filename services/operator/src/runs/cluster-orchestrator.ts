import { ClusterOperator, type StageJobOptions, loadKubeConfig, makeKubeApis } from '@xreason/kube';
import type { RunRef } from '@xreason/orchestration';
import { hostname } from 'node:os';
import type { OperatorConfig } from '../operator.config.js';
import { type Orchestrator, type RunView, type StageLog, UnsupportedInModeError } from './orchestrator.js';

const nonEmpty = (value: string | undefined): string | undefined => (value && value.trim() ? value.trim() : undefined);

/**
 * How the operator's configuration reaches every worker pod it creates — the stage Jobs and the
 * EvalSchedule CronJobs take the same options (libs/kube's buildWorkerPodSpec).
 */
export function workerOptions(config: OperatorConfig): StageJobOptions {
  const kube = config.kube;
  const kueueQueue = nonEmpty(kube.kueueQueue);
  const serviceAccountName = nonEmpty(kube.stageServiceAccount);
  const artifactsClaim = nonEmpty(kube.artifactsClaim);
  const envFromSecret = nonEmpty(kube.envSecret);
  const defaultPriorityClassName = nonEmpty(kube.priorityClass);
  const tritonUrl = nonEmpty(config.triton.url);
  return {
    images: {
      'data-prep': kube.imageDataPrep,
      trainer: kube.imageTrainer,
      merge: kube.imageMerge,
      eval: kube.imageEval,
    },
    env: [
      { name: 'KAFKA_BROKERS', value: config.kafka.brokers.join(',') },
      ...(tritonUrl ? [{ name: 'TRITON_URL', value: tritonUrl }] : []),
    ],
    ...(kueueQueue ? { kueueQueue } : {}),
    ...(serviceAccountName ? { serviceAccountName } : {}),
    ...(artifactsClaim ? { artifactsClaim } : {}),
    ...(envFromSecret ? { envFromSecret } : {}),
    ...(defaultPriorityClassName ? { defaultPriorityClassName } : {}),
    ...(kube.ttlSecondsAfterFinished !== undefined ? { ttlSecondsAfterFinished: kube.ttlSecondsAfterFinished } : {}),
    ...(kube.backoffLimitPerIndex !== undefined ? { backoffLimitPerIndex: kube.backoffLimitPerIndex } : {}),
  };
}

/**
 * Cluster mode (docs/kubernetes.md): the ClusterOperator from libs/kube, started after Nest listens.
 * Runs are AlignmentRun resources that users apply with kubectl; the API reads them from the informer
 * cache (empty on a standby replica, which does not run informers).
 */
export class ClusterOrchestrator implements Orchestrator {
  readonly mode = 'cluster' as const;
  readonly operator: ClusterOperator;

  constructor(config: OperatorConfig, log: (message: string) => void) {
    const kube = config.kube;
    const namespaces = (kube.namespaces ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    if (namespaces.length > 1)
      throw new Error(
        `XREASON_KUBE_NAMESPACES: watching several namespaces (${namespaces.join(', ')}) is not supported yet; name one, or none for all`,
      );
    if (!nonEmpty(kube.artifactsClaim))
      log(
        'XREASON_KUBE_ARTIFACTS_CLAIM is not set: stage outputs and evaluation reports go to an emptyDir per pod ' +
          'and are lost with it (stages cannot read their upstream outputs); set stages.artifactsClaim',
      );
    this.operator = new ClusterOperator({
      apis: makeKubeApis(loadKubeConfig()),
      jobs: workerOptions(config),
      ...(namespaces[0] ? { namespace: namespaces[0] } : {}),
      identity: kube.identity ?? hostname(),
      leaseNamespace: kube.leaseNamespace,
      retry: { baseDelayMs: config.local.retryBaseDelayMs, maxDelayMs: config.local.retryMaxDelayMs },
      log,
    });
  }

  async start(): Promise<void> {
    this.operator.start();
  }

  stop(): Promise<void> {
    return this.operator.stop();
  }

  async apply(): Promise<never> {
    throw new UnsupportedInModeError('in cluster mode, AlignmentRuns are applied with kubectl apply -f');
  }

  async delete(): Promise<never> {
    throw new UnsupportedInModeError('in cluster mode, AlignmentRuns are deleted with kubectl delete');
  }

  list(): Promise<RunView[]> {
    return this.operator.store.list();
  }

  get(ref: RunRef): Promise<RunView | undefined> {
    return this.operator.store.get(ref);
  }

  async applySchedule(): Promise<never> {
    throw new UnsupportedInModeError(
      'in cluster mode, EvalSchedules are applied with kubectl apply -f (each becomes a CronJob)',
    );
  }

  async listSchedules(): Promise<never> {
    throw new UnsupportedInModeError('in cluster mode, read EvalSchedules with kubectl get evalschedules');
  }

  async getSchedule(): Promise<never> {
    throw new UnsupportedInModeError('in cluster mode, read EvalSchedules with kubectl get evalschedules');
  }

  async deleteSchedule(): Promise<never> {
    throw new UnsupportedInModeError('in cluster mode, EvalSchedules are deleted with kubectl delete');
  }

  async logs(): Promise<StageLog[]> {
    throw new UnsupportedInModeError('in cluster mode, read stage logs with kubectl logs job/<run>-<stage>-<attempt>');
  }
}
