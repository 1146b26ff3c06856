import type { V1ContainerPort, V1EnvVar, V1PodSpec, V1ResourceRequirements } from '@kubernetes/client-node';
import type { Static } from '@sinclair/typebox';
import { STAGE_WORKER_ENV, type ResourcesSchema } from '@xreason/contracts';
import type { StageService } from '@xreason/orchestration';

/**
 * How worker pods are scheduled and wired in this cluster (Helm values → operator config). One set of
 * options for every pod the operator creates: the stage Jobs and the EvalSchedule CronJobs.
 */
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
  /**
   * PersistentVolumeClaim holding artifacts, mounted at /artifacts. Without one, /artifacts is an
   * emptyDir: writable (the root filesystem is not), but gone with the pod.
   */
  readonly artifactsClaim?: string;
  /** Retries of one failed index in place (multi-node); the operator's own retries are new Jobs. */
  readonly backoffLimitPerIndex?: number;
  readonly ttlSecondsAfterFinished?: number;
  readonly defaultPriorityClassName?: string;
  readonly rendezvousPort?: number;
}

/** Where every worker finds the artifact store (XREASON_ARTIFACT_ROOT). */
export const ARTIFACTS_MOUNT = '/artifacts';
/** The uid (and gid, fsGroup) of every worker pod: the images' USER. */
export const WORKER_UID = 10001;

type Resources = Static<typeof ResourcesSchema>;

/** What differs between the worker pods: the image, the subcommand, its own environment and ports. */
export interface WorkerContainer {
  readonly image: string;
  readonly args: readonly string[];
  /** Variables of this workload (run/stage or schedule); the shared ones follow them. */
  readonly env: readonly V1EnvVar[];
  readonly ports?: readonly V1ContainerPort[];
}

/** GPU limits; cpu and memory as requests = limits (Guaranteed when all are set). */
export function workerResources(resources: Resources): V1ResourceRequirements {
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  if (resources.gpus) limits['nvidia.com/gpu'] = String(resources.gpus);
  if (resources.cpu) requests.cpu = limits.cpu = resources.cpu;
  if (resources.memory) requests.memory = limits.memory = resources.memory;
  return {
    ...(Object.keys(limits).length ? { limits } : {}),
    ...(Object.keys(requests).length ? { requests } : {}),
  };
}

/**
 * The pod spec of a worker — a stage Job's pod or an EvalSchedule CronJob's — from the operator's
 * options and the workload's `resources`: non-root, read-only root filesystem with an emptyDir /tmp,
 * no API token; the environment Secret (DATABASE_URL), the operator's worker env (KAFKA_BROKERS,
 * TRITON_URL), and the artifact store at /artifacts (XREASON_ARTIFACT_ROOT), on the artifacts PVC when
 * one is configured. Both builders call this, so a setting reaches every worker or none.
 */
export function buildWorkerPodSpec(
  options: StageJobOptions,
  container: WorkerContainer,
  resources: Resources = {},
): V1PodSpec {
  const priorityClassName = resources.priorityClassName ?? options.defaultPriorityClassName;
  return {
    restartPolicy: 'Never',
    ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
    automountServiceAccountToken: false,
    ...(priorityClassName ? { priorityClassName } : {}),
    ...(resources.nodeSelector ? { nodeSelector: { ...resources.nodeSelector } } : {}),
    ...(resources.tolerations ? { tolerations: resources.tolerations.map((t) => ({ ...t })) } : {}),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: WORKER_UID,
      runAsGroup: WORKER_UID,
      fsGroup: WORKER_UID, // the artifacts volume is writable by the worker
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'worker',
        image: container.image,
        ...(options.imagePullPolicy ? { imagePullPolicy: options.imagePullPolicy } : {}),
        args: [...container.args],
        env: [
          ...container.env,
          { name: STAGE_WORKER_ENV.artifactRoot, value: ARTIFACTS_MOUNT },
          ...(options.env ?? []),
        ],
        ...(options.envFromSecret ? { envFrom: [{ secretRef: { name: options.envFromSecret } }] } : {}),
        ...(container.ports?.length ? { ports: [...container.ports] } : {}),
        resources: workerResources(resources),
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'artifacts', mountPath: ARTIFACTS_MOUNT },
        ],
      },
    ],
    volumes: [
      { name: 'tmp', emptyDir: {} },
      options.artifactsClaim
        ? { name: 'artifacts', persistentVolumeClaim: { claimName: options.artifactsClaim } }
        : { name: 'artifacts', emptyDir: {} },
    ],
  };
}
