import { join } from 'node:path';

/**
 * How a stage worker is started, the same way by every WorkloadRuntime (a local child process or a
 * Kubernetes Job): `node services/<service>/dist/main.js stage` with these environment variables.
 * The worker reads its stage from them, its inputs from the upstream stages' output directories, and
 * reports progress as StageEvents when Kafka is configured; its exit code is the verdict.
 */
export const STAGE_WORKER_ENV = {
  run: 'XREASON_RUN',
  runNamespace: 'XREASON_RUN_NAMESPACE',
  runUid: 'XREASON_RUN_UID',
  stage: 'XREASON_STAGE',
  stageKind: 'XREASON_STAGE_KIND',
  stageRole: 'XREASON_STAGE_ROLE',
  attempt: 'XREASON_ATTEMPT',
  languages: 'XREASON_LANGUAGES',
  /** The AlignmentRun spec as JSON (defaults applied): workers never need API access to read it. */
  runSpec: 'XREASON_RUN_SPEC',
  /** JSON object: upstream stage name → its output directory. */
  stageInputs: 'XREASON_STAGE_INPUTS',
  /** Root of the artifact store (a directory locally, a ReadWriteMany volume mount in a cluster). */
  artifactRoot: 'XREASON_ARTIFACT_ROOT',
} as const;

export const STAGE_EXIT_CODES = {
  succeeded: 0,
  /** Retry may help (a crash, a lost connection): the operator retries up to spec.maxRetries. */
  failed: 1,
  /** Retrying cannot help (bad spec, bad data): the run fails now. Kubernetes: podFailurePolicy FailJob. */
  permanentFailure: 64,
} as const;

/**
 * Where a stage writes its outputs: the same directory for every attempt, so a retried trainer resumes
 * from the checkpoints the killed attempt left (`<dir>/checkpoints/`), and downstream stages find their
 * inputs by the DAG alone.
 */
export function stageOutputDir(artifactRoot: string, run: { namespace: string; name: string }, stage: string): string {
  return join(artifactRoot, run.namespace, run.name, stage);
}

/** The file a stage writes last, atomically: its outputs by name (e.g. `adapter`, `dataset`) → paths. */
export const STAGE_OUTPUTS_FILE = 'outputs.json';
