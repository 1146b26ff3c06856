import { describe, expect, it } from 'vitest';
import { type AlignmentRun, type EvalSchedule, parseResource } from '@xreason/contracts';
import { compileRecipe } from '@xreason/orchestration';
import { buildEvalCronJob } from './eval-cron-job.builder.js';
import { buildStageWorkload, EXIT_INVALID_INPUT } from './stage-job.builder.js';
import type { StageJobOptions } from './worker-pod.js';

const images = { 'data-prep': 'dp', trainer: 'tr', merge: 'mg', eval: 'ghcr.io/xreason/eval:0.1.0' };

/** What the operator passes in a cluster whose chart sets a Secret, Kafka, Triton and an artifacts PVC. */
const options: StageJobOptions = {
  images,
  env: [
    { name: 'KAFKA_BROKERS', value: 'kafka.kafka.svc:9092' },
    { name: 'TRITON_URL', value: 'http://triton.inference.svc:8000' },
  ],
  envFromSecret: 'xreason-postgres',
  artifactsClaim: 'xreason-artifacts',
  serviceAccountName: 'stage-workers',
  defaultPriorityClassName: 'gpu-training',
  imagePullPolicy: 'IfNotPresent',
};

const schedule = parseResource({
  apiVersion: 'xreason.io/v1alpha1',
  kind: 'EvalSchedule',
  metadata: { name: 'nightly', namespace: 'ml', uid: 'uid-s' },
  spec: {
    schedule: '0 2 * * *',
    timeZone: 'Europe/Paris',
    models: [{ name: 'base', uri: 'file:///m' }],
    languages: ['ja'],
    evaluation: { suites: ['mgsm'], samples: 1, k: [1] },
    resources: { gpus: 1, memory: '16Gi' },
  },
}) as EvalSchedule;

const podOf = (o: StageJobOptions = options) => buildEvalCronJob(schedule, o).spec!.jobTemplate.spec!.template.spec!;
const envOf = (o?: StageJobOptions) =>
  Object.fromEntries((podOf(o).containers[0]!.env ?? []).map((e) => [e.name, e.value]));

describe('buildEvalCronJob: a pod that can run a night', () => {
  it('runs `schedule` with the schedule, Kafka, Triton and the artifact store in its environment', () => {
    expect(podOf().containers[0]).toMatchObject({ image: 'ghcr.io/xreason/eval:0.1.0', args: ['schedule'] });
    const env = envOf();
    expect(env).toMatchObject({
      XREASON_EVAL_SCHEDULE: 'nightly',
      XREASON_ARTIFACT_ROOT: '/artifacts', // the night writes /artifacts/schedules/nightly
      KAFKA_BROKERS: 'kafka.kafka.svc:9092',
      TRITON_URL: 'http://triton.inference.svc:8000',
    });
    expect(JSON.parse(env.XREASON_EVAL_SCHEDULE_SPEC ?? '')).toMatchObject({ schedule: '0 2 * * *' });
  });

  it('gets DATABASE_URL from the environment Secret the stage Jobs use', () => {
    expect(podOf().containers[0]!.envFrom).toEqual([{ secretRef: { name: 'xreason-postgres' } }]);
  });

  it('mounts the artifacts PVC at /artifacts (the root filesystem is read-only) and /tmp as an emptyDir', () => {
    const pod = podOf();
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'artifacts', persistentVolumeClaim: { claimName: 'xreason-artifacts' } },
    ]);
    expect(pod.containers[0]!.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'artifacts', mountPath: '/artifacts' },
    ]);
    expect(pod.containers[0]!.securityContext).toMatchObject({ readOnlyRootFilesystem: true });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 });
  });

  it('without an artifacts PVC, still has a writable /artifacts (an emptyDir)', () => {
    const { artifactsClaim: _, ...withoutClaim } = options;
    expect(podOf(withoutClaim).volumes).toContainEqual({ name: 'artifacts', emptyDir: {} });
    expect(envOf(withoutClaim).XREASON_ARTIFACT_ROOT).toBe('/artifacts');
  });

  it('is the stage Jobs’ worker pod: the same security, Secret, volumes, mounts, worker env and scheduling defaults', () => {
    const run = parseResource({
      apiVersion: 'xreason.io/v1alpha1',
      kind: 'AlignmentRun',
      metadata: { name: 'r', namespace: 'ml' },
      spec: {
        recipe: 'budget-alignment',
        baseModel: { uri: 'file:///m' },
        languages: ['ja'],
        sft: { learningRate: 1e-4, batchSize: 4 },
        grpo: { steps: 1, promptsPerStep: 1 },
        evaluation: { suites: ['mgsm'], samples: 1, k: [1] },
        resources: { eval: { gpus: 1, memory: '16Gi' } },
      },
    }) as AlignmentRun;
    const stage = compileRecipe(run.spec).stages.find((s) => s.kind === 'eval')!;
    const job = buildStageWorkload(
      { run: { namespace: 'ml', name: 'r' }, runUid: 'u', spec: run.spec, stage, attempt: 1 },
      options,
    ).job.spec!.template.spec!;
    const cron = podOf();
    const { env: jobEnv, args: _a, ...jobWorker } = job.containers[0]!;
    const { env: cronEnv, args: _b, ...cronWorker } = cron.containers[0]!;
    expect(cronWorker).toEqual(jobWorker); // image, pull policy, envFrom, resources, securityContext, mounts
    const shared = (env: typeof jobEnv) => env!.slice(env!.findIndex((e) => e.name === 'XREASON_ARTIFACT_ROOT'));
    expect(shared(cronEnv)).toEqual(shared(jobEnv));
    const { containers: _c, ...cronPod } = cron;
    const { containers: _d, ...jobPod } = job;
    expect(cronPod).toEqual(jobPod); // volumes, securityContext, service account, priority class
  });

  it('fails the Job at once on exit code 64 (a bad spec or missing input) and ignores disruptions', () => {
    const rules = buildEvalCronJob(schedule, options).spec!.jobTemplate.spec!.podFailurePolicy!.rules;
    expect(rules.map((r) => r.action)).toEqual(['Ignore', 'FailJob']);
    expect(rules[1]!.onExitCodes).toEqual({ containerName: 'worker', operator: 'In', values: [EXIT_INVALID_INPUT] });
  });
});
