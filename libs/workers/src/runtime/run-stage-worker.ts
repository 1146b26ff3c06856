import { mkdirSync } from 'node:fs';
import { Bus } from '@xreason/bus';
import { STAGE_EXIT_CODES, type StageKind } from '@xreason/contracts';
import { openDatabase, type Database } from '@xreason/db';
import { setupTelemetry, type LogLevel } from '@xreason/telemetry';
import type { DataSource } from 'typeorm';
import { ArtifactRegistry, type RegisteredArtifact, type StageArtifact } from './artifact-registry.js';
import { readStageContext, type StageContext } from './stage-context.js';
import { exitCodeFor, PermanentStageError } from './stage-error.js';
import { StageEventReporter, type ReporterLogger, type StageReporter } from './stage-reporter.js';
import { readStageOutputs, writeStageOutputs, type StageOutputs } from './stage-outputs.js';

/** What a stage function has besides its context: progress, logs, cancellation, the database if any. */
export interface StageIO {
  reporter: StageReporter;
  logger: ReporterLogger & { debug(object: object, message?: string): void };
  /** Aborted on SIGTERM/SIGINT: a stage stops at its next safe point (the trainer checkpoints first). */
  signal: AbortSignal;
  /** Present when DATABASE_URL is set. */
  dataSource?: DataSource;
  /** The run's row id in `runs` when the RunStore is Postgres and holds the run (for foreign keys). */
  runRowId: () => Promise<string | null>;
}

export interface StageResult {
  outputs: StageOutputs;
  /** Outputs to record in the artifact catalogue with their content hashes. */
  artifacts: StageArtifact[];
  metrics?: Record<string, number>;
}

export type StageFunction = (context: StageContext, io: StageIO) => Promise<StageResult>;

export interface StageWorkerOptions {
  /** The service's name (telemetry, Kafka client id). */
  service: string;
  /** The stage kinds this service runs. */
  stages: Partial<Record<StageKind, StageFunction>>;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs one stage as the stage-worker contract says (docs/architecture.md, "Stage workers") and
 * resolves to the exit code: reads the environment, opens the output directory, connects to Kafka
 * (KAFKA_BROKERS) and Postgres (DATABASE_URL) when configured, runs the stage, records its artifacts
 * with content hashes, writes outputs.json atomically last, and reports each phase as a StageEvent.
 * A stage whose outputs.json already exists finished in an earlier attempt and is not run again.
 */
export async function runStageWorker(options: StageWorkerOptions): Promise<number> {
  const env = options.env ?? process.env;
  const telemetry = setupTelemetry({
    serviceName: `xreason-${options.service}`,
    logLevel: (env.XREASON_LOG_LEVEL as LogLevel | undefined) ?? 'info',
    defaultMetrics: false,
    ...(env.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
  });
  const logger = telemetry.logger;
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    logger.warn({ signal }, 'stopping the stage at its next safe point');
    abort.abort(new Error(`stopped by ${signal}`));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  let context: StageContext;
  try {
    context = readStageContext(env);
  } catch (error) {
    logger.error({ error: (error as Error).message }, 'bad stage environment');
    console.error(`stage worker: ${(error as Error).message}`);
    await telemetry.shutdown();
    return exitCodeFor(error);
  }
  const log = logger.child({
    run: context.run.name,
    stage: context.stage,
    kind: context.kind,
    attempt: context.attempt,
  });

  let bus: Bus | undefined;
  let database: Database | undefined;
  let reporter: StageReporter = new StageEventReporter(
    { name: context.stage, attempt: context.attempt, runUid: context.run.uid },
    log,
  );
  try {
    const run = options.stages[context.kind];
    if (!run)
      throw new PermanentStageError(
        'XREASON_STAGE_KIND',
        `the ${options.service} service does not run stages of kind ${JSON.stringify(context.kind)}`,
      );
    mkdirSync(context.outputDir, { recursive: true });
    const brokers =
      env.KAFKA_BROKERS?.split(',')
        .map((b) => b.trim())
        .filter(Boolean) ?? [];
    if (brokers.length > 0) {
      bus = await Bus.connect({ brokers, clientId: env.KAFKA_CLIENT_ID ?? `xreason-${options.service}` });
      reporter = new StageEventReporter(
        { name: context.stage, attempt: context.attempt, runUid: context.run.uid },
        log,
        bus.publisher,
      );
    }
    if (env.DATABASE_URL?.trim()) {
      // The operator migrates the schema; concurrent workers must not race to do it too.
      database = await openDatabase({ databaseUrl: env.DATABASE_URL, stateDir: context.artifactRoot, migrate: false });
    }
    const registry = database
      ? new ArtifactRegistry(database.dataSource, {
          runUid: context.run.uid,
          run: context.run.name,
          namespace: context.run.namespace,
          stage: context.stage,
          attempt: context.attempt,
        })
      : undefined;

    const finished = readStageOutputs(context.outputDir);
    if (finished) {
      log.info({ outputs: finished }, 'outputs.json exists: the stage finished in an earlier attempt');
      await reporter.report('Succeeded', { outputs: finished, message: 'already finished' });
      return STAGE_EXIT_CODES.succeeded;
    }

    await reporter.report('Running', { progress: 0, message: `attempt ${context.attempt} started` });
    const result = await run(context, {
      reporter,
      logger: log,
      signal: abort.signal,
      ...(database ? { dataSource: database.dataSource } : {}),
      runRowId: async () => (registry ? registry.runId() : null),
    });
    let registered: RegisteredArtifact[] = [];
    if (registry) registered = await registry.register(result.artifacts);
    await writeStageOutputs(context.outputDir, result.outputs);
    log.info({ outputs: result.outputs, artifacts: registered.map((a) => [a.name, a.contentHash]) }, 'stage succeeded');
    await reporter.report('Succeeded', {
      progress: 1,
      outputs: result.outputs,
      ...(result.metrics ? { metrics: result.metrics } : {}),
    });
    return STAGE_EXIT_CODES.succeeded;
  } catch (error) {
    const code = abort.signal.aborted ? STAGE_EXIT_CODES.failed : exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    log.error(
      { error: message, stack: error instanceof Error ? error.stack : undefined, exitCode: code },
      code === STAGE_EXIT_CODES.permanentFailure ? 'stage failed permanently' : 'stage failed (retryable)',
    );
    console.error(`stage ${context.stage} failed (exit ${code}): ${message}`);
    await reporter.report('Failed', { message: `exit ${code}: ${message}` });
    return code;
  } finally {
    await bus?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await telemetry.shutdown();
  }
}

/**
 * A stage-worker service's whole `main`: `node dist/main.js stage` runs the one stage its environment
 * describes (STAGE_WORKER_ENV) and exits with the verdict (STAGE_EXIT_CODES); any other argument is a
 * usage error (64). Exits explicitly: the engine's thread pool and client sockets must not keep a
 * finished worker alive. (A long-running mode taking StageCommands from Kafka comes later.)
 */
export function stageWorkerMain(
  options: Omit<StageWorkerOptions, 'env'>,
  argv: readonly string[] = process.argv,
): void {
  const run = async (): Promise<number> => {
    if (argv[2] !== 'stage') {
      console.error(
        `usage: node dist/main.js stage   (the ${options.service} stage worker; its stage comes from XREASON_* variables)`,
      );
      return STAGE_EXIT_CODES.permanentFailure;
    }
    return runStageWorker(options);
  };
  run().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(STAGE_EXIT_CODES.failed);
    },
  );
}
