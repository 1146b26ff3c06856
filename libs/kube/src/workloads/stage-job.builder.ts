import type { V1Job, V1OwnerReference, V1Service, V1EnvVar, V1PodFailurePolicyRule } from '@kubernetes/client-node';
import type { Static } from '@sinclair/typebox';
import {
  API_VERSION,
  STAGE_WORKER_ENV,
  type ResourcesSchema,
  type StageKind,
  stageOutputDir,
} from '@xreason/contracts';
import type { WorkloadRequest } from '@xreason/orchestration';
import { ANNOTATIONS, FIELD_MANAGER, LABELS, jobName } from '../labels.js';
import { ARTIFACTS_MOUNT, buildWorkerPodSpec, type StageJobOptions } from './worker-pod.js';

/** Exit code with which a worker says "my input is wrong": retrying cannot help, the Job fails at once. */
export const EXIT_INVALID_INPUT = 64;
export const DEFAULT_RENDEZVOUS_PORT = 29500;

export interface StageWorkload {
  readonly job: V1Job;
  /** Headless Service giving multi-node ranks stable DNS names (absent for one-pod stages). */
  readonly service?: V1Service;
}

/**
 * The Job for one attempt of one stage (DESIGN §7). One pod, or — when the stage's resources ask for
 * `nodes > 1` — an Indexed Job with one pod per node, a headless Service, and the rendezvous
 * environment (WORLD_SIZE, NODE_RANK from the completion index, MASTER_ADDR/PORT of index 0).
 *
 * Failure handling is split: pod disruptions (preemption, eviction, node drain) are ignored by the
 * Job and the pod is recreated; an application failure fails the Job at once (`backoffLimit: 0`), and
 * the operator retries with backoff by creating the next attempt — so every retry is visible as its
 * own Job and counted against `maxRetries`.
 */
export function buildStageWorkload(request: WorkloadRequest, options: StageJobOptions): StageWorkload {
  const { run, stage, attempt, spec } = request;
  const name = jobName(run.name, stage.name, attempt);
  const resources: Static<typeof ResourcesSchema> =
    (spec.resources as Partial<Record<StageKind, Static<typeof ResourcesSchema>>> | undefined)?.[stage.kind] ?? {};
  const nodes = resources.nodes ?? 1;
  const multiNode = nodes > 1;
  const port = options.rendezvousPort ?? DEFAULT_RENDEZVOUS_PORT;
  const labels: Record<string, string> = {
    [LABELS.managedBy]: FIELD_MANAGER,
    [LABELS.partOf]: 'xreason',
    [LABELS.name]: `xreason-${stage.service}`,
    [LABELS.component]: 'stage-worker',
    [LABELS.run]: run.name,
    [LABELS.stage]: stage.name,
    [LABELS.attempt]: String(attempt),
    ...(options.kueueQueue ? { [LABELS.kueueQueue]: options.kueueQueue } : {}),
  };
  const owner: V1OwnerReference = {
    apiVersion: API_VERSION,
    kind: 'AlignmentRun',
    name: run.name,
    uid: request.runUid,
    controller: true,
    blockOwnerDeletion: true,
  };
  const E = STAGE_WORKER_ENV;
  // The upstream stages' output directories on the artifact store, as the local runtime passes them.
  const inputs = Object.fromEntries(stage.dependsOn.map((d) => [d, stageOutputDir(ARTIFACTS_MOUNT, run, d)]));
  const env: V1EnvVar[] = [
    { name: E.run, value: run.name },
    { name: E.runNamespace, value: run.namespace },
    { name: E.runUid, value: request.runUid },
    { name: E.stage, value: stage.name },
    { name: E.stageKind, value: stage.kind },
    ...(stage.role ? [{ name: E.stageRole, value: stage.role }] : []),
    { name: E.attempt, value: String(attempt) },
    { name: E.languages, value: stage.languages.join(',') },
    { name: E.runSpec, value: JSON.stringify(spec) },
    { name: E.stageInputs, value: JSON.stringify(inputs) },
  ];
  if (multiNode) {
    env.push(
      { name: 'WORLD_SIZE', value: String(nodes) },
      {
        name: 'NODE_RANK',
        valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${ANNOTATIONS.completionIndex}']` } },
      },
      { name: 'MASTER_ADDR', value: `${name}-0.${name}.${run.namespace}.svc` },
      { name: 'MASTER_PORT', value: String(port) },
    );
  }
  const podFailurePolicy: V1PodFailurePolicyRule[] = [
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    { action: 'FailJob', onExitCodes: { containerName: 'worker', operator: 'In', values: [EXIT_INVALID_INPUT] } },
  ];

  const job: V1Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: run.namespace,
      labels,
      annotations: { [ANNOTATIONS.runUid]: request.runUid },
      ownerReferences: [owner],
    },
    spec: {
      ...(options.kueueQueue ? { suspend: true } : {}),
      ...(multiNode
        ? {
            completionMode: 'Indexed',
            completions: nodes,
            parallelism: nodes,
            backoffLimitPerIndex: options.backoffLimitPerIndex ?? 0,
            maxFailedIndexes: 0,
          }
        : { backoffLimit: 0 }),
      podFailurePolicy: { rules: podFailurePolicy },
      ...(options.ttlSecondsAfterFinished !== undefined
        ? { ttlSecondsAfterFinished: options.ttlSecondsAfterFinished }
        : {}),
      template: {
        metadata: { labels },
        spec: {
          ...(multiNode ? { subdomain: name } : {}),
          ...buildWorkerPodSpec(
            options,
            {
              image: options.images[stage.service],
              args: ['stage'],
              env,
              ...(multiNode ? { ports: [{ name: 'rendezvous', containerPort: port }] } : {}),
            },
            resources,
          ),
        },
      },
    },
  };
  if (!multiNode) return { job };
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: run.namespace, labels, ownerReferences: [owner] },
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true, // ranks must find each other before any of them is Ready
      selector: { [LABELS.jobName]: name },
      ports: [{ name: 'rendezvous', port, targetPort: port as unknown as never }],
    },
  };
  return { job, service };
}
