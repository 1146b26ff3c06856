import { type AlignmentRun, type EvalSchedule, parseResource } from '@xreason/contracts';
import { compileRecipe } from '@xreason/orchestration';
import { describe, expect, it } from 'vitest';
import { buildEvalCronJob } from '../src/workloads/eval-cron-job.builder.js';
import { buildStageWorkload } from '../src/workloads/stage-job.builder.js';
import type { StageJobOptions } from '../src/workloads/worker-pod.js';
import type { KubeObject } from './chart.test-helpers.js';
import { asRendered, imageProblems, podSecurityProblems, schemaProblems } from './chart-checks.test-helpers.js';

// The worker objects the operator creates — stage Jobs (one pod and Indexed), their headless Service,
// EvalSchedule CronJobs — held to the chart's checks: what the API server would refuse, pod security,
// pinned images. With every option the chart can set, and with none.

const IMAGES = {
  'data-prep': 'ghcr.io/xreason/data-prep:0.1.0',
  trainer: 'ghcr.io/xreason/trainer:0.1.0',
  merge: 'ghcr.io/xreason/merge:0.1.0',
  eval: 'ghcr.io/xreason/eval:0.1.0',
};
const EVERYTHING: StageJobOptions = {
  images: IMAGES,
  imagePullPolicy: 'IfNotPresent',
  serviceAccountName: 'stage-workers',
  kueueQueue: 'team-a-gpus',
  env: [
    { name: 'KAFKA_BROKERS', value: 'kafka.kafka.svc:9092' },
    { name: 'TRITON_URL', value: 'http://triton.inference.svc:8000' },
  ],
  envFromSecret: 'xreason-postgres',
  artifactsClaim: 'xreason-artifacts',
  backoffLimitPerIndex: 1,
  ttlSecondsAfterFinished: 604800,
  defaultPriorityClassName: 'gpu-training',
};

const run = parseResource({
  apiVersion: 'xreason.io/v1alpha1',
  kind: 'AlignmentRun',
  metadata: { name: 'r', namespace: 'team-a' },
  spec: {
    recipe: 'budget-alignment',
    baseModel: { uri: 'file:///m' },
    languages: ['ja'],
    sft: { learningRate: 1e-4, batchSize: 4 },
    grpo: { steps: 1, promptsPerStep: 1 },
    evaluation: { suites: ['mgsm'], samples: 1, k: [1] },
    resources: {
      sft: { gpus: 1, memory: '32Gi', tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }] },
      grpo: { gpus: 4, cpu: '16', nodes: 2, nodeSelector: { 'gpu.type': 'h100' } },
    },
  },
}) as AlignmentRun;

const schedule = parseResource({
  apiVersion: 'xreason.io/v1alpha1',
  kind: 'EvalSchedule',
  metadata: { name: 'nightly', namespace: 'team-a', uid: 'u' },
  spec: {
    schedule: '0 2 * * *',
    models: [{ name: 'base', uri: 'file:///m' }],
    languages: ['ja'],
    evaluation: { suites: ['mgsm'], samples: 1, k: [1] },
    resources: { gpus: 1 },
  },
}) as EvalSchedule;

function workerObjects(options: StageJobOptions): KubeObject[] {
  const objects: unknown[] = [];
  for (const stage of compileRecipe(run.spec).stages) {
    const { job, service } = buildStageWorkload(
      { run: { namespace: 'team-a', name: 'r' }, runUid: 'u', spec: run.spec, stage, attempt: 1 },
      options,
    );
    objects.push(job, ...(service ? [service] : []));
  }
  objects.push(buildEvalCronJob(schedule, options));
  return objects as KubeObject[];
}

describe.each([
  ['every option the chart can set', EVERYTHING],
  ['no option but the images', { images: IMAGES }],
])('the worker objects, with %s', (_name, options) => {
  const objects = workerObjects(options);

  it('include an Indexed Job with its Service and the CronJob', () => {
    expect(objects.map((o) => o.kind)).toContain('Service');
    expect(objects.map((o) => o.kind)).toContain('CronJob');
  });

  it('validate against the Kubernetes schemas, unknown fields included', async () => {
    expect(await schemaProblems(asRendered(objects))).toEqual([]);
  });

  it('run non-root on a read-only root filesystem, with pinned images', () => {
    expect(podSecurityProblems(asRendered(objects))).toEqual([]);
    expect(imageProblems(asRendered(objects))).toEqual([]);
  });
});
