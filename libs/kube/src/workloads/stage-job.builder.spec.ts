import { compileRecipe, type WorkloadRequest } from '@xreason/orchestration';
import { type AlignmentRun, parseResource } from '@xreason/contracts';
import { describe, expect, it } from 'vitest';
import { buildStageWorkload, EXIT_INVALID_INPUT } from './stage-job.builder.js';

const images = { 'data-prep': 'dp', trainer: 'tr', merge: 'mg', eval: 'ev' };

function request(resources: Record<string, unknown> = {}, stageName = 'sft'): WorkloadRequest {
  const run = parseResource({
    apiVersion: 'xreason.io/v1alpha1',
    kind: 'AlignmentRun',
    metadata: { name: 'ja-run' },
    spec: {
      recipe: 'budget-alignment',
      baseModel: { uri: 'file:///m' },
      languages: ['ja'],
      sft: { learningRate: 1e-4, batchSize: 4 },
      grpo: { steps: 1, promptsPerStep: 1 },
      resources,
    },
  }) as AlignmentRun;
  const stage = compileRecipe(run.spec).stages.find((s) => s.name === stageName);
  if (!stage) throw new Error(stageName);
  return { run: { namespace: 'ml', name: 'ja-run' }, runUid: 'uid-1', spec: run.spec, stage, attempt: 2 };
}

describe('buildStageWorkload', () => {
  it('puts GPU limits, node selector, tolerations and priority class of the stage kind on a single-pod Job', () => {
    const { job, service } = buildStageWorkload(
      request({
        sft: {
          gpus: 2,
          memory: '64Gi',
          nodeSelector: { 'gpu.type': 'a100' },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          priorityClassName: 'training',
        },
      }),
      { images },
    );
    const pod = job.spec?.template.spec;
    expect(service).toBeUndefined();
    expect(job.metadata?.name).toBe('ja-run-sft-2');
    expect(pod?.containers[0]?.resources?.limits).toEqual({ 'nvidia.com/gpu': '2', memory: '64Gi' });
    expect(pod?.containers[0]?.image).toBe('tr');
    expect(pod).toMatchObject({
      restartPolicy: 'Never',
      nodeSelector: { 'gpu.type': 'a100' },
      priorityClassName: 'training',
      securityContext: { runAsNonRoot: true },
    });
    expect(pod?.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(job.spec).toMatchObject({ backoffLimit: 0 });
    expect(job.spec?.podFailurePolicy?.rules.map((r) => r.action)).toEqual(['Ignore', 'FailJob']);
    expect(job.spec?.podFailurePolicy?.rules[1]?.onExitCodes?.values).toEqual([EXIT_INVALID_INPUT]);
  });

  it('makes a multi-node trainer an Indexed Job with a headless Service and rendezvous environment', () => {
    const { job, service } = buildStageWorkload(request({ sft: { gpus: 8, nodes: 4 } }), {
      images,
      backoffLimitPerIndex: 1,
    });
    expect(job.spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 4,
      parallelism: 4,
      backoffLimitPerIndex: 1,
      maxFailedIndexes: 0,
    });
    expect(job.spec?.backoffLimit).toBeUndefined();
    expect(job.spec?.template.spec?.subdomain).toBe('ja-run-sft-2');
    expect(service?.spec).toMatchObject({
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: { 'batch.kubernetes.io/job-name': 'ja-run-sft-2' },
    });
    const env = Object.fromEntries(
      (job.spec?.template.spec?.containers[0]?.env ?? []).map((e) => [
        e.name,
        e.value ?? e.valueFrom?.fieldRef?.fieldPath,
      ]),
    );
    expect(env).toMatchObject({
      WORLD_SIZE: '4',
      NODE_RANK: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
      MASTER_ADDR: 'ja-run-sft-2-0.ja-run-sft-2.ml.svc',
      MASTER_PORT: '29500',
      XREASON_STAGE: 'sft',
      XREASON_ATTEMPT: '2',
    });
  });

  it('with a Kueue queue, labels the Job and creates it suspended', () => {
    const { job } = buildStageWorkload(request(), { images, kueueQueue: 'team-a' });
    expect(job.spec?.suspend).toBe(true);
    expect(job.metadata?.labels?.['kueue.x-k8s.io/queue-name']).toBe('team-a');
  });

  it('gives long run names a bounded, still distinct Job name', () => {
    const base = request();
    const long = { ...base, run: { namespace: 'ml', name: 'x'.repeat(60) } };
    const a = buildStageWorkload(long, { images }).job.metadata?.name ?? '';
    const b = buildStageWorkload({ ...long, attempt: 3 }, { images }).job.metadata?.name ?? '';
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });
});

describe('a stage Job’s worker pod', () => {
  const options = {
    images,
    env: [{ name: 'KAFKA_BROKERS', value: 'kafka:9092' }],
    envFromSecret: 'xreason-postgres',
    artifactsClaim: 'xreason-artifacts',
  };
  const envOf = (job: ReturnType<typeof buildStageWorkload>['job']) =>
    Object.fromEntries((job.spec?.template.spec?.containers[0]?.env ?? []).map((e) => [e.name, e.value]));

  it('finds the artifact store at /artifacts and its upstream stages’ outputs there, as the local runtime passes them', () => {
    const { job } = buildStageWorkload(request({}, 'grpo'), options);
    const env = envOf(job);
    expect(env).toMatchObject({ XREASON_ARTIFACT_ROOT: '/artifacts', KAFKA_BROKERS: 'kafka:9092' });
    expect(JSON.parse(env.XREASON_STAGE_INPUTS ?? '')).toEqual({ sft: '/artifacts/ml/ja-run/sft' });
    expect(JSON.parse(envOf(buildStageWorkload(request({}, 'data'), options).job).XREASON_STAGE_INPUTS ?? '')).toEqual(
      {},
    );
  });

  it('mounts the artifacts PVC at /artifacts and /tmp as an emptyDir on a read-only root, writable by its fsGroup', () => {
    const pod = buildStageWorkload(request(), options).job.spec?.template.spec;
    const worker = pod?.containers[0];
    expect(worker?.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'artifacts', mountPath: '/artifacts' },
    ]);
    expect(pod?.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'artifacts', persistentVolumeClaim: { claimName: 'xreason-artifacts' } },
    ]);
    expect(worker?.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(pod?.securityContext).toMatchObject({ runAsUser: 10001, fsGroup: 10001 });
    expect(worker?.envFrom).toEqual([{ secretRef: { name: 'xreason-postgres' } }]);
  });

  it('without an artifacts PVC, /artifacts is an emptyDir: still writable, gone with the pod', () => {
    const pod = buildStageWorkload(request(), { images }).job.spec?.template.spec;
    expect(pod?.volumes).toContainEqual({ name: 'artifacts', emptyDir: {} });
    expect(pod?.containers[0]?.volumeMounts).toContainEqual({ name: 'artifacts', mountPath: '/artifacts' });
  });
});
