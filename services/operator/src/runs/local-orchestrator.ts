import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bus } from '@xreason/bus';
import { type AlignmentRun, type EvalSchedule, STAGE_WORKER_ENV, TOPICS } from '@xreason/contracts';
import {
  ControlLoop,
  LocalNightLauncher,
  LocalWorkloadRuntime,
  LogEventSink,
  PostgresRunStore,
  PostgresScheduleStore,
  type RunRef,
  ScheduleRunner,
  localArtifactRoot,
  stageLogFile,
} from '@xreason/orchestration';
import type { DataSource } from 'typeorm';
import type { OperatorConfig } from '../operator.config.js';
import type { Orchestrator, RunView, ScheduleView, StageLog } from './orchestrator.js';

/** The checkout's services/ directory, seen from services/operator/{src,dist}/runs/. */
export function defaultServicesDir(): string {
  return resolve(fileURLToPath(import.meta.url), '../../../..');
}

/** Test hooks: a clock the schedule runner reads (tests move time instead of waiting for 02:00). */
export interface LocalOrchestratorOptions {
  readonly clock?: () => Date;
}

/**
 * Local mode: runs in the `runs` table, stage workers as child processes of this machine, one control
 * loop (no leader election: one operator per state directory). EvalSchedules live in the same table;
 * the schedule runner fires them as CronJobs would, each night an eval-worker child process.
 */
export class LocalOrchestrator implements Orchestrator {
  readonly mode = 'local' as const;
  readonly store: PostgresRunStore;
  readonly runtime: LocalWorkloadRuntime;
  readonly schedules: PostgresScheduleStore;
  readonly scheduleRunner: ScheduleRunner;
  private readonly loop: ControlLoop;

  constructor(
    dataSource: DataSource,
    private readonly config: OperatorConfig,
    databaseUrl: string,
    private readonly log: (message: string) => void,
    options: LocalOrchestratorOptions = {},
  ) {
    const { local } = config;
    const workerEnv = {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: config.kafka.brokers.join(','),
      XREASON_STATE_DIR: config.stateDir,
    };
    this.store = new PostgresRunStore(dataSource, { pollMs: local.pollMs, log });
    this.runtime = new LocalWorkloadRuntime({
      stateDir: config.stateDir,
      servicesDir: local.servicesDir ?? defaultServicesDir(),
      env: workerEnv,
      pollMs: local.pollMs,
      log,
    });
    this.schedules = new PostgresScheduleStore(dataSource);
    this.scheduleRunner = new ScheduleRunner({
      store: this.schedules,
      launcher: new LocalNightLauncher({
        stateDir: config.stateDir,
        servicesDir: local.servicesDir ?? defaultServicesDir(),
        env: { ...workerEnv, [STAGE_WORKER_ENV.artifactRoot]: localArtifactRoot(config.stateDir) },
        log,
      }),
      tickMs: local.pollMs,
      ...(options.clock ? { clock: options.clock } : {}),
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
    this.scheduleRunner.start();
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
    await this.scheduleRunner.stop();
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

  applySchedule(resource: EvalSchedule) {
    return this.schedules.applySchedule(resource);
  }

  async listSchedules(): Promise<ScheduleView[]> {
    const views: ScheduleView[] = [];
    for (const schedule of await this.schedules.list())
      views.push({ schedule, nights: await this.schedules.firings(schedule.uid, 1) });
    return views;
  }

  async getSchedule(ref: RunRef): Promise<ScheduleView | undefined> {
    const schedule = await this.schedules.get(ref);
    return schedule ? { schedule, nights: await this.schedules.firings(schedule.uid, 20) } : undefined;
  }

  deleteSchedule(ref: RunRef) {
    return this.schedules.deleteSchedule(ref);
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
