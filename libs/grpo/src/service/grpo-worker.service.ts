import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { ReadinessCheck } from '@xreason/telemetry';
import { type GrpoWorkerRole, type StandaloneWorker, startStandaloneWorker } from '../standalone-worker.js';

export const GRPO_WORKER_OPTIONS = Symbol.for('@xreason/grpo/worker-options');

export interface GrpoWorkerOptions {
  role: GrpoWorkerRole;
  env: NodeJS.ProcessEnv;
}

/**
 * One GRPO role inside a Nest application: started in the background once the app is up (the run's
 * run.json may not exist yet, and the probes must answer meanwhile), stopped before the app closes.
 * `done` settles when the role ends: resolves after a stop, rejects when the role fails or cannot start.
 */
@Injectable()
export class GrpoWorkerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker: StandaloneWorker | undefined;
  private state: 'starting' | 'running' | 'stopped' | 'failed' = 'starting';
  private readonly abort = new AbortController();
  private settle!: { resolve: () => void; reject: (error: unknown) => void };
  readonly done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(private readonly options: GrpoWorkerOptions) {
    this.done.catch(() => undefined);
  }

  onApplicationBootstrap(): void {
    startStandaloneWorker(this.options.role, this.options.env, this.abort.signal).then(
      (worker) => {
        this.worker = worker;
        if (this.state !== 'starting') return void worker.stop();
        this.state = 'running';
        worker.failed.catch((error: unknown) => this.fail(error));
      },
      (error: unknown) => (this.abort.signal.aborted ? this.settle.resolve() : this.fail(error)),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.state === 'starting' || this.state === 'running') this.state = 'stopped';
    this.abort.abort();
    await this.worker?.stop();
    this.settle.resolve();
  }

  /** Ready once the role serves its run; not ready while it waits for run.json, or after it ends. */
  readiness(): ReadinessCheck {
    return {
      name: `${this.options.role}-worker`,
      check: async () =>
        this.state === 'running'
          ? { ok: true }
          : { ok: false, error: this.state === 'starting' ? "waiting for the run's run.json" : this.state },
    };
  }

  private fail(error: unknown): void {
    this.state = 'failed';
    this.settle.reject(error);
  }
}
