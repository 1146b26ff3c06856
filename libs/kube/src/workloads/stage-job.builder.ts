import type { V1Job, V1OwnerReference, V1Service, V1EnvVar, V1PodFailurePolicyRule } from '@kubernetes/client-node';
import type { Static } from '@sinclair/typebox';
import { API_VERSION, type ResourcesSchema, type StageKind } from '@xreason/contracts';
import type { StageService, WorkloadRequest } from '@xreason/orchestration';
import { ANNOTATIONS, FIELD_MANAGER, LABELS, jobName } from '../labels.js';

/** How stage workers are scheduled in this cluster (Helm values → operator config). */
export interface StageJobOptions {
  /** Container image per worker service. */
  readonly images: Readonly<Record<StageService, string>>;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  readonly serviceAccountName?: string;
  /** Kueue LocalQueue: Jobs carry its label and are created suspended; only Kueue unsuspends them. */
  readonly kueueQueue?: string;
  /** Environment every worker gets (Kafka brokers, Triton endpoint, …). */
  readonly env?: readonly V1EnvVar[];
  /** Secret whose keys become environment variables (e.g. DATABASE_URL). */
  readonly envFromSecret?: string;
  /** PersistentVolumeClaim holding artifacts, mounted at /artifacts. */
  readonly artifactsClaim?: string;
  /** Retries of one failed index in place (multi-node); the operator's own retries are new Jobs. */
  readonly backoffLimitPerIndex?: number;
  readonly ttlSecondsAfterFinished?: number;
  readonly defaultPriorityClassName?: string;
  readonly rendezvousPort?: number;
}

/** Exit code with which a worker says "my input is wrong": retrying cannot help, the Job fails at once. */
export const EXIT_INVALID_INPUT = 64;
export const DEFAULT_RENDEZVOUS_PORT = 29500;
const RUN_AS = 10001;

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
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  if (resources.gpus) limits['nvidia.com/gpu'] = String(resources.gpus);
  if (resources.cpu) requests.cpu = limits.cpu = resources.cpu;
  if (resources.memory) requests.memory = limits.memory = resources.memory;

  const env: V1EnvVar[] = [
    { name: 'XREASON_RUN', value: run.name },
    { name: 'XREASON_RUN_NAMESPACE', value: run.namespace },
    { name: 'XREASON_RUN_UID', value: request.runUid },
    { name: 'XREASON_STAGE', value: stage.name },
    { name: 'XREASON_STAGE_KIND', value: stage.kind },
    ...(stage.role ? [{ name: 'XREASON_STAGE_ROLE', value: stage.role }] : []),
    { name: 'XREASON_ATTEMPT', value: String(attempt) },
    { name: 'XREASON_LANGUAGES', value: stage.languages.join(',') },
    { name: 'XREASON_RUN_SPEC', value: JSON.stringify(spec) },
    ...(options.env ?? []),
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
  const priorityClassName = resources.priorityClassName ?? options.defaultPriorityClassName;

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
          restartPolicy: 'Never',
          ...(multiNode ? { subdomain: name } : {}),
          ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
          automountServiceAccountToken: false,
          ...(priorityClassName ? { priorityClassName } : {}),
          ...(resources.nodeSelector ? { nodeSelector: { ...resources.nodeSelector } } : {}),
          ...(resources.tolerations ? { tolerations: resources.tolerations.map((t) => ({ ...t })) } : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS,
            runAsGroup: RUN_AS,
            fsGroup: RUN_AS,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'worker',
              image: options.images[stage.service],
              ...(options.imagePullPolicy ? { imagePullPolicy: options.imagePullPolicy } : {}),
              args: ['stage'],
              env,
              ...(options.envFromSecret ? { envFrom: [{ secretRef: { name: options.envFromSecret } }] } : {}),
              ...(multiNode ? { ports: [{ name: 'rendezvous', containerPort: port }] } : {}),
              resources: {
                ...(Object.keys(limits).length ? { limits } : {}),
                ...(Object.keys(requests).length ? { requests } : {}),
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                ...(options.artifactsClaim ? [{ name: 'artifacts', mountPath: '/artifacts' }] : []),
              ],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: {} },
            ...(options.artifactsClaim
              ? [{ name: 'artifacts', persistentVolumeClaim: { claimName: options.artifactsClaim } }]
              : []),
          ],
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
