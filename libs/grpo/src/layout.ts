import { join } from 'node:path';

/** Where one GRPO stage keeps its files under the stage output directory (README: "What the stage keeps on disk"). */
export interface GrpoLayout {
  root: string;
  manifest: string;
  prompts: string;
  policyDir(version: number): string;
  policyVersions: string;
  rolloutsLog(worker: string): string;
  scoredLog(worker: string): string;
  steps: string;
  checkpoints: string;
  checkpointDir(step: number): string;
  latestCheckpoint: string;
  finalAdapter: string;
}

export function grpoLayout(outputDir: string): GrpoLayout {
  const root = join(outputDir, 'grpo');
  const checkpoints = join(root, 'checkpoints');
  return {
    root,
    manifest: join(root, 'run.json'),
    prompts: join(root, 'prompts.jsonl'),
    policyDir: (version) => join(root, 'policy', `v${String(version).padStart(6, '0')}`),
    policyVersions: join(root, 'policy-versions.jsonl'),
    rolloutsLog: (worker) => join(root, 'rollouts', `${safeName(worker)}.jsonl`),
    scoredLog: (worker) => join(root, 'scored', `${safeName(worker)}.jsonl`),
    steps: join(root, 'steps.jsonl'),
    checkpoints,
    checkpointDir: (step) => join(checkpoints, `step-${String(step).padStart(6, '0')}`),
    latestCheckpoint: join(checkpoints, 'latest.json'),
    finalAdapter: join(outputDir, 'adapter'),
  };
}

/** The GRPO directory of a policy adapter path (`<root>/policy/v<N>`): how a standalone worker finds run.json. */
export function grpoRootOfAdapter(adapterUri: string): string {
  const path = adapterUri.startsWith('file://') ? new URL(adapterUri).pathname : adapterUri;
  return join(path, '..', '..');
}

function safeName(worker: string): string {
  return worker.replace(/[^A-Za-z0-9._-]/g, '_');
}
