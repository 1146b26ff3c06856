import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus } from '@xreason/bus';
import { type AlignmentRun, TOPICS } from '@xreason/contracts';
import {
  ControlLoop,
  LocalWorkloadRuntime,
  LogEventSink,
  PostgresRunStore,
  type RunRef,
  stageLogFile,
} from '@xreason/orchestration';
import type { DataSource } from 'typeorm';
import type { OperatorConfig } from '../operator.config.js';
import type { Orchestrator, RunView, StageLog } from './orchestrator.js';

/** The checkout's services/ directory, seen from services/operator/{src,dist}/runs/. */
export function defaultServicesDir(): string {
  return resolve(fileURLToPath(import.meta.url), '../../../..');
}

/**
 * Local mode: runs in the `runs` table, stage workers as child processes of this machine, one control
 * loop (no leader election: one operator per state directory).
 */
export class LocalOrchestrator implements Orchestrator {
  readonly mode = 'local' as const;
  readonly store: PostgresRunStore;
  readonly runtime: LocalWorkloadRuntime;
  private readonly loop: ControlLoop;

  constructor(
    dataSource: DataSource,
    private readonly config: OperatorConfig,
    databaseUrl: string,
    private readonly log: (message: string) => void,
  ) {
    const { local } = config;
    this.store = new PostgresRunStore(dataSource, { pollMs: local.pollMs, log });
    this.runtime = new LocalWorkloadRuntime({
      stateDir: config.stateDir,
      servicesDir: local.servicesDir ?? defaultServicesDir(),
      env: {
        DATABASE_URL: databaseUrl,
        KAFKA_BROKERS: config.kafka.brokers.join(','),
        XREASON_STATE_DIR: config.stateDir,
      },
      pollMs: local.pollMs,
      log,
    });
    this.loop = new ControlLoop({
      store: this.store,
      runtime: this.runtime,
      events: new LogEventSink(log),
      retry: { baseDelayMs: local.retryBaseDelayMs, maxDelayMs: local.retryMaxDelayMs },
      resyncMs: local.resyncMs,
      log,
    });
  }

  start(): Promise<void> {
    // Workers publish StageEvents and the GRPO roles talk over Kafka; the producers never auto-create
    // topics, so the operator creates them (and their DLQs) once. Off the start path: a broker that is
    // not up yet must not hold back reconciling.
    void this.ensureTopics();
    return this.loop.start();
  }

  private async ensureTopics(): Promise<void> {
    const { brokers, clientId } = this.config.kafka;
    let bus: Bus | undefined;
    try {
      bus = await Bus.connect({ brokers, clientId: `${clientId}-operator-admin` });
      const created = await bus.ensureTopics(TOPICS);
      if (created.length > 0) this.log(`created Kafka topics: ${created.join(', ')}`);
    } catch (error) {
      this.log(`could not create the Kafka topics on ${brokers.join(',')}: ${(error as Error).message}`);
    } finally {
      await bus?.close().catch(() => undefined);
    }
  }

  /** Stops reconciling; stage workers keep running and the next operator adopts them. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.store.close();
    this.runtime.close();
  }

  apply(resource: AlignmentRun) {
    return this.store.applyRun(resource);
  }

  list(): Promise<RunView[]> {
    return this.store.list();
  }

  get(ref: RunRef): Promise<RunView | undefined> {
    return this.store.get(ref);
  }

  delete(ref: RunRef) {
    return this.store.deleteRun(ref);
  }

  async logs(run: RunView, stage?: string): Promise<StageLog[]> {
    const workloads = await this.runtime.list(run.ref);
    const latest = new Map<string, number>();
    for (const w of workloads) latest.set(w.stage, Math.max(latest.get(w.stage) ?? 0, w.attempt));
    for (const s of run.status?.stages ?? []) if (s.attempts > 0 && !latest.has(s.name)) latest.set(s.name, s.attempts);
    const order = (run.status?.stages ?? []).map((s) => s.name);
    const stages = stage ? [stage] : [...latest.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const logs: StageLog[] = [];
    for (const name of stages) {
      const attempt = latest.get(name);
      if (attempt === undefined) continue;
      const file = stageLogFile(this.config.stateDir, run.ref, name, attempt);
      logs.push({ stage: name, attempt, text: existsSync(file) ? readFileSync(file, 'utf8') : '' });
    }
    return logs;
  }
}
