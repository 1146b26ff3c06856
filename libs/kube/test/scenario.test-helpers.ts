import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterOperator, type ClusterOperatorOptions } from '../src/controllers/cluster-operator.js';
import { kubeConfigForServer, makeKubeApis } from '../src/kube-client.js';
import { FakeApiServer } from './fake-api-server.js';

export const RUNS = 'xreason.io/v1alpha1/alignmentruns';
export const SCHEDULES = 'xreason.io/v1alpha1/evalschedules';
export const JOBS = 'batch/v1/jobs';
export const EVENTS = '/v1/events';
export const NS = 'ml';

export const IMAGES = {
  'data-prep': 'xreason/data-prep:test',
  trainer: 'xreason/trainer:test',
  merge: 'xreason/merge:test',
  eval: 'xreason/eval:test',
} as const;

/** Polls until `check` stops throwing (the operator works asynchronously, off watches). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 4_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(25);
    }
  }
}

export function runManifest(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'xreason.io/v1alpha1',
    kind: 'AlignmentRun',
    metadata: { name, namespace: NS },
    spec: {
      recipe: 'budget-alignment',
      baseModel: { uri: 'file:///models/base' },
      languages: ['ja'],
      data: [],
      sft: { epochs: 1, learningRate: 1e-4, batchSize: 4 },
      grpo: {
        steps: 10,
        promptsPerStep: 2,
        learningRate: 1e-5,
        rolloutsPerPrompt: 4,
        epsilonLow: 0.2,
        epsilonHigh: 0.28,
        klCoefficient: 0,
        lossAggregation: 'dr_grpo',
        maxPolicyLag: 1,
      },
      evaluation: { suites: ['mgsm'], samples: 1, k: [1] },
      maxRetries: 1,
      ...spec,
    },
  };
}

export class Cluster {
  readonly server = new FakeApiServer();
  readonly operators: ClusterOperator[] = [];

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  operator(identity = 'operator-a', overrides: Partial<ClusterOperatorOptions> = {}): ClusterOperator {
    const operator = new ClusterOperator({
      apis: makeKubeApis(kubeConfigForServer(this.server.url, NS)),
      jobs: { images: IMAGES },
      identity,
      leaseNamespace: 'xreason-system',
      leaseDurationMs: 1_000,
      retryPeriodMs: 50,
      retry: { baseDelayMs: 100, maxDelayMs: 100 },
      log: process.env.DEBUG_OPERATOR ? (m) => console.log('LOG', m) : undefined,
      ...overrides,
    });
    this.operators.push(operator);
    operator.start();
    return operator;
  }

  async stop(): Promise<void> {
    await Promise.all(this.operators.map((o) => o.stop()));
    await this.server.stop();
  }

  jobNames(): string[] {
    return this.server
      .list(JOBS, NS)
      .map((j) => j.metadata.name as string)
      .sort();
  }

  /** Plays the Job controller: marks a Job running, complete or failed (by default, out of retries). */
  setJob(
    name: string,
    state: 'Running' | 'Complete' | 'Failed',
    message = '',
    failedReason: 'BackoffLimitExceeded' | 'PodFailurePolicy' = 'BackoffLimitExceeded',
  ): void {
    const job = this.server.get(JOBS, NS, name);
    if (!job) throw new Error(`no job ${name}`);
    const now = new Date().toISOString();
    job.status = { ...(job.status ?? {}), startTime: job.status?.startTime ?? now };
    if (state === 'Running') job.status.active = 1;
    else {
      job.status.active = 0;
      job.status.conditions = [
        {
          type: state,
          status: 'True',
          reason: state === 'Failed' ? failedReason : 'Completed',
          message,
          lastTransitionTime: now,
        },
      ];
      if (state === 'Complete') job.status.completionTime = now;
    }
    this.server.put(JOBS, job);
  }

  run(name: string) {
    return this.server.get(RUNS, NS, name);
  }
}
