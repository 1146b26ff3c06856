import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIELD_MANAGER } from '../src/labels.js';
import {
  Cluster,
  EVENTS,
  IMAGES,
  JOBS,
  NS,
  RUNS,
  SCHEDULES,
  eventually,
  runManifest,
} from './scenario.test-helpers.js';

type ObservedRun = {
  status?: { conditions?: { type: string; status?: string; reason?: string; observedGeneration?: number }[] };
};

const condition = (run: ObservedRun | undefined, type: string) => run?.status?.conditions?.find((c) => c.type === type);

describe('cluster operator against the Kubernetes test API server', () => {
  let cluster: Cluster;
  beforeEach(async () => {
    cluster = await new Cluster().start();
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it('creates Jobs in DAG order, retries a failed one, and fails the run with a condition when retries run out', async () => {
    cluster.operator();
    cluster.server.put(RUNS, runManifest('r1'));
    await eventually(() => expect(cluster.jobNames()).toEqual(['r1-data-1']));
    const job = cluster.server.get(JOBS, NS, 'r1-data-1');
    const run = cluster.run('r1');
    expect(job?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'AlignmentRun', name: 'r1', uid: run?.metadata.uid, controller: true }),
    ]);
    expect(job?.spec.template.spec.restartPolicy).toBe('Never');
    expect(run?.metadata.finalizers).toEqual(['xreason.io/cleanup']);

    cluster.setJob('r1-data-1', 'Complete');
    await eventually(() => expect(cluster.jobNames()).toEqual(['r1-data-1', 'r1-sft-1']));
    cluster.setJob('r1-sft-1', 'Failed', 'CUDA out of memory');
    await eventually(() => expect(cluster.jobNames()).toEqual(['r1-data-1', 'r1-sft-1', 'r1-sft-2']));
    expect(condition(cluster.run('r1'), 'Degraded')).toMatchObject({ status: 'True', reason: 'StageRetrying' });
    cluster.setJob('r1-sft-2', 'Failed', 'CUDA out of memory');

    await eventually(() => expect(cluster.run('r1')?.status?.phase).toBe('Failed'));
    const failed = cluster.run('r1');
    expect(condition(failed, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'StageFailed',
      message: expect.stringContaining('CUDA out of memory'),
    });
    expect(condition(failed, 'Available')).toMatchObject({ status: 'False', reason: 'RunFailed' });
    expect(failed?.status.stages.map((s: { name: string; phase: string }) => `${s.name}:${s.phase}`)).toEqual([
      'data:Succeeded',
      'sft:Failed',
      'grpo:Skipped',
      'eval:Skipped',
    ]);
    expect(cluster.jobNames()).toEqual(['r1-data-1', 'r1-sft-1', 'r1-sft-2']);
    await eventually(() =>
      expect(cluster.server.list(EVENTS, NS).map((e) => e.reason)).toEqual(
        expect.arrayContaining(['StageStarted', 'StageRetried', 'StageFailed', 'RunFailed']),
      ),
    );
    // Status is written by server-side apply with the operator's one field manager.
    const statusWrites = cluster.server.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/r1/status'));
    expect(statusWrites.length).toBeGreaterThan(0);
    expect(
      statusWrites.every((r) => r.contentType === 'application/apply-patch+yaml' && r.fieldManager === FIELD_MANAGER),
    ).toBe(true);
  });

  it('a Job failed by the podFailurePolicy FailJob rule (worker exit code 64, bad input) is not retried', async () => {
    cluster.operator();
    cluster.server.put(RUNS, runManifest('r64'));
    await eventually(() => expect(cluster.jobNames()).toEqual(['r64-data-1']));
    cluster.setJob(
      'r64-data-1',
      'Failed',
      'Container worker for pod ml/r64-data-1-x7k2p failed with exit code 64 matching FailJob rule at index 1',
      'PodFailurePolicy',
    );

    await eventually(() => expect(cluster.run('r64')?.status?.phase).toBe('Failed'));
    const failed = cluster.run('r64');
    expect(condition(failed, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'StageFailed',
      message: expect.stringContaining('exit code 64'),
    });
    expect(failed?.status.stages[0]).toMatchObject({ name: 'data', phase: 'Failed', attempts: 1 });
    // maxRetries is 1 and the retry delay 100 ms: give a retry the time it would take, then look.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(cluster.jobNames()).toEqual(['r64-data-1']);
  });

  it('a restarted operator picks the run up where it was without creating a duplicate Job', async () => {
    const first = cluster.operator('operator-a');
    cluster.server.put(RUNS, runManifest('r2'));
    await eventually(() => expect(cluster.jobNames()).toEqual(['r2-data-1']));
    cluster.setJob('r2-data-1', 'Complete');
    await eventually(() => expect(cluster.jobNames()).toEqual(['r2-data-1', 'r2-sft-1']));
    const uids = cluster.server.list(JOBS, NS).map((j) => j.metadata.uid);
    await first.stop();

    const second = cluster.operator('operator-b');
    await eventually(() => expect(second.isLeader).toBe(true));
    await eventually(() =>
      expect(cluster.run('r2')?.status?.stages?.find((s: { name: string }) => s.name === 'sft')?.attempts).toBe(1),
    );
    cluster.setJob('r2-sft-1', 'Running');
    await eventually(() =>
      expect(cluster.run('r2')?.status?.stages?.find((s: { name: string }) => s.name === 'sft')?.phase).toBe('Running'),
    );
    expect(cluster.server.list(JOBS, NS).map((j) => j.metadata.uid)).toEqual(uids);
    cluster.setJob('r2-sft-1', 'Complete');
    await eventually(() => expect(cluster.jobNames()).toEqual(['r2-data-1', 'r2-grpo-1', 'r2-sft-1']));
  });

  it('follows spec changes with observedGeneration on the status and on every condition', async () => {
    cluster.operator();
    cluster.server.put(RUNS, runManifest('r3'));
    await eventually(() => expect(cluster.run('r3')?.status?.observedGeneration).toBe(1));
    const run = cluster.run('r3');
    cluster.server.put(RUNS, { ...run, spec: { ...run?.spec, maxRetries: 5 } });
    expect(cluster.run('r3')?.metadata.generation).toBe(2);
    await eventually(() => {
      const status = cluster.run('r3')?.status;
      expect(status.observedGeneration).toBe(2);
      expect(status.conditions.map((c: { observedGeneration: number }) => c.observedGeneration)).toEqual([2, 2, 2]);
    });
  });

  it('a deleted run is held by its finalizer until its Jobs are gone, then released', async () => {
    cluster.operator();
    cluster.server.put(RUNS, runManifest('r4'));
    await eventually(() => expect(cluster.jobNames()).toEqual(['r4-data-1']));
    await eventually(() => expect(cluster.run('r4')?.metadata.finalizers).toEqual(['xreason.io/cleanup']));
    cluster.server.remove(RUNS, NS, 'r4');
    await eventually(() => expect(cluster.run('r4')).toBeUndefined());
    expect(cluster.jobNames()).toEqual([]);
    expect(cluster.server.requests.some((r) => r.method === 'DELETE' && r.path.endsWith('/jobs/r4-data-1'))).toBe(true);
  });

  it('with Kueue, creates Jobs suspended with the queue label and leaves unsuspending and preemption to Kueue', async () => {
    cluster.operator('operator-a', {
      jobs: { images: { 'data-prep': 'd', trainer: 't', merge: 'm', eval: 'e' }, kueueQueue: 'gpu-queue' },
    });
    cluster.server.put(RUNS, runManifest('r5'));
    await eventually(() => expect(cluster.jobNames()).toEqual(['r5-data-1']));
    const job = cluster.server.get(JOBS, NS, 'r5-data-1');
    expect(job?.spec.suspend).toBe(true);
    expect(job?.metadata.labels['kueue.x-k8s.io/queue-name']).toBe('gpu-queue');
    await eventually(() =>
      expect(condition(cluster.run('r5'), 'Progressing')).toMatchObject({ reason: 'WaitingForAdmission' }),
    );

    // Kueue admits the workload: unsuspends the Job, which starts a pod.
    cluster.server.put(JOBS, {
      ...job,
      spec: { ...job?.spec, suspend: false },
      status: { startTime: new Date().toISOString(), active: 1 },
    });
    await eventually(() =>
      expect(condition(cluster.run('r5'), 'Progressing')).toMatchObject({ reason: 'StagesRunning' }),
    );
    // Kueue preempts it: suspends it again. The run waits; the operator neither unsuspends nor recreates it.
    const admitted = cluster.server.get(JOBS, NS, 'r5-data-1');
    cluster.server.put(JOBS, {
      ...admitted,
      spec: { ...admitted?.spec, suspend: true },
      status: { ...admitted?.status, active: 0 },
    });
    await eventually(() => expect(cluster.run('r5')?.status?.stages?.[0]?.message).toMatch(/preempted/));
    expect(cluster.server.get(JOBS, NS, 'r5-data-1')?.spec.suspend).toBe(true);
    expect(cluster.jobNames()).toEqual(['r5-data-1']);
  });

  it('keeps reconciling after its watches are cut and the watch history is compacted (410 Gone)', async () => {
    const op = cluster.operator();
    cluster.server.put(RUNS, runManifest('r6'));
    await eventually(() => expect(cluster.jobNames()).toEqual(['r6-data-1']));
    await eventually(() => expect(cluster.server.openWatches).toBe(3));
    cluster.server.compact();
    cluster.server.dropWatches();
    cluster.setJob('r6-data-1', 'Complete');
    await eventually(() => expect(cluster.jobNames()).toEqual(['r6-data-1', 'r6-sft-1']));
    expect(op.isLeader).toBe(true);
  });

  it('runs the control loop on one replica only, and a standby takes over when the leader stops', async () => {
    const a = cluster.operator('operator-a');
    await eventually(() => expect(a.isLeader).toBe(true));
    const b = cluster.operator('operator-b');
    cluster.server.put(RUNS, runManifest('r7'));
    await eventually(() => expect(cluster.jobNames()).toEqual(['r7-data-1']));
    expect(b.isLeader).toBe(false);
    await a.stop();
    await eventually(() => expect(b.isLeader).toBe(true));
    expect(
      cluster.server.get('coordination.k8s.io/v1/leases', 'xreason-system', 'xreason-operator')?.spec.holderIdentity,
    ).toBe('operator-b');
  });

  it('turns an EvalSchedule into a CronJob owned by it and reports it Available', async () => {
    // The operator's worker settings (chart → ConfigMap → operator config) reach the night's pod too.
    cluster.operator('operator-a', {
      jobs: {
        images: IMAGES,
        env: [{ name: 'KAFKA_BROKERS', value: 'kafka:9092' }],
        envFromSecret: 'xreason-postgres',
        artifactsClaim: 'xreason-artifacts',
      },
    });
    cluster.server.put(SCHEDULES, {
      apiVersion: 'xreason.io/v1alpha1',
      kind: 'EvalSchedule',
      metadata: { name: 'nightly', namespace: NS },
      spec: {
        schedule: '0 2 * * *',
        timeZone: 'Europe/Paris',
        models: [{ name: 'base', uri: 'file:///m' }],
        languages: ['ja'],
        evaluation: { suites: ['mgsm'], samples: 1, k: [1] },
      },
    });
    await eventually(() => expect(cluster.server.get('batch/v1/cronjobs', NS, 'nightly-eval')).toBeDefined());
    const cron = cluster.server.get('batch/v1/cronjobs', NS, 'nightly-eval');
    expect(cron?.spec).toMatchObject({ schedule: '0 2 * * *', timeZone: 'Europe/Paris', concurrencyPolicy: 'Forbid' });
    expect(cron?.metadata.ownerReferences[0]).toMatchObject({ kind: 'EvalSchedule', name: 'nightly' });
    const pod = cron?.spec.jobTemplate.spec.template.spec;
    expect(pod.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: 'XREASON_EVAL_SCHEDULE', value: 'nightly' },
        { name: 'XREASON_ARTIFACT_ROOT', value: '/artifacts' },
        { name: 'KAFKA_BROKERS', value: 'kafka:9092' },
      ]),
    );
    expect(pod.containers[0].envFrom).toEqual([{ secretRef: { name: 'xreason-postgres' } }]);
    expect(pod.volumes).toContainEqual({
      name: 'artifacts',
      persistentVolumeClaim: { claimName: 'xreason-artifacts' },
    });
    await eventually(() =>
      expect(condition(cluster.server.get(SCHEDULES, NS, 'nightly'), 'Available')).toMatchObject({
        status: 'True',
        reason: 'CronJobReady',
      }),
    );
  });
});
