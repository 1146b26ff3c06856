import { loadConfig } from '@xreason/config';
import { buildEvalCronJob, buildStageWorkload } from '@xreason/kube';
import { compileRecipe } from '@xreason/orchestration';
import { type AlignmentRun, parseResource } from '@xreason/contracts';
import { describe, expect, it } from 'vitest';
import { OperatorConfigSchema } from '../operator.config.js';
import { workerOptions } from './cluster-orchestrator.js';

/** The ConfigMap the chart (and k8s/base) gives the operator, as environment variables. */
const CHART_ENV = {
  XREASON_MODE: 'cluster',
  XREASON_KUBE_NAMESPACES: 'team-a',
  XREASON_KUBE_KUEUE_QUEUE: '',
  XREASON_KUBE_STAGE_SERVICE_ACCOUNT: '',
  XREASON_KUBE_ARTIFACTS_CLAIM: 'xreason-artifacts',
  XREASON_KUBE_PRIORITY_CLASS: '',
  XREASON_KUBE_TTL_SECONDS_AFTER_FINISHED: '604800',
  XREASON_KUBE_BACKOFF_LIMIT_PER_INDEX: '0',
  XREASON_KUBE_ENV_SECRET: 'xreason-postgres',
  XREASON_KUBE_IMAGE_DATA_PREP: 'ghcr.io/xreason/data-prep:0.1.0',
  XREASON_KUBE_IMAGE_TRAINER: 'ghcr.io/xreason/trainer:0.1.0',
  XREASON_KUBE_IMAGE_MERGE: 'ghcr.io/xreason/merge:0.1.0',
  XREASON_KUBE_IMAGE_EVAL: 'ghcr.io/xreason/eval:0.1.0',
  KAFKA_BROKERS: 'kafka.kafka.svc:9092',
  TRITON_URL: '',
};

const configOf = (env: Record<string, string>) =>
  loadConfig(OperatorConfigSchema, { subject: 'operator configuration', env });

const envOf = (vars: readonly { name: string; value?: string }[] | undefined) =>
  Object.fromEntries((vars ?? []).map((v) => [v.name, v.value]));

describe('workerOptions: the operator configuration every worker pod is built from', () => {
  it('passes KAFKA_BROKERS, and TRITON_URL only when the chart sets one (an empty value is unset)', () => {
    expect(workerOptions(configOf(CHART_ENV)).env).toEqual([{ name: 'KAFKA_BROKERS', value: 'kafka.kafka.svc:9092' }]);
    const withTriton = workerOptions(configOf({ ...CHART_ENV, TRITON_URL: 'http://triton.inference.svc:8000' }));
    expect(withTriton.env).toEqual([
      { name: 'KAFKA_BROKERS', value: 'kafka.kafka.svc:9092' },
      { name: 'TRITON_URL', value: 'http://triton.inference.svc:8000' },
    ]);
  });

  it('refuses a Triton URL without a scheme, as the chart’s values schema does', () => {
    expect(() => configOf({ ...CHART_ENV, TRITON_URL: 'triton:8000' })).toThrow(/TRITON_URL/);
  });

  it('gives a stage Job and an EvalSchedule CronJob the same Secret, worker env and artifacts volume', () => {
    const options = workerOptions(configOf({ ...CHART_ENV, TRITON_URL: 'http://triton:8000' }));
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
      },
    }) as AlignmentRun;
    const stage = compileRecipe(run.spec).stages[0]!;
    const jobPod = buildStageWorkload(
      { run: { namespace: 'team-a', name: 'r' }, runUid: 'u', spec: run.spec, stage, attempt: 1 },
      options,
    ).job.spec!.template.spec!;
    const cronPod = buildEvalCronJob(
      {
        apiVersion: 'xreason.io/v1alpha1',
        kind: 'EvalSchedule',
        metadata: { name: 'nightly', namespace: 'team-a', uid: 'u2' },
        spec: {
          schedule: '0 2 * * *',
          models: [{ name: 'base', uri: 'file:///m' }],
          languages: ['ja'],
          evaluation: { suites: ['mgsm'], samples: 1, k: [1] },
        },
      } as Parameters<typeof buildEvalCronJob>[0],
      options,
    ).spec!.jobTemplate.spec!.template.spec!;
    for (const pod of [jobPod, cronPod]) {
      const [worker] = pod.containers;
      expect(envOf(worker!.env)).toMatchObject({
        KAFKA_BROKERS: 'kafka.kafka.svc:9092',
        TRITON_URL: 'http://triton:8000',
        XREASON_ARTIFACT_ROOT: '/artifacts',
      });
      expect(worker!.envFrom).toEqual([{ secretRef: { name: 'xreason-postgres' } }]);
      expect(pod.volumes).toContainEqual({
        name: 'artifacts',
        persistentVolumeClaim: { claimName: 'xreason-artifacts' },
      });
    }
  });
});
