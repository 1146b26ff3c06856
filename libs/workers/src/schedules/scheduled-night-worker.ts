import { join } from 'node:path';
import { Bus } from '@xreason/bus';
import {
  EVAL_SCHEDULE_ENV,
  EvalScheduleSpecSchema,
  STAGE_EXIT_CODES,
  STAGE_WORKER_ENV,
  SchemaValidationError,
  validate,
} from '@xreason/contracts';
import { type Database, openDatabase } from '@xreason/db';
import { setupTelemetry, type LogLevel } from '@xreason/telemetry';
import { Value } from '@sinclair/typebox/value';
import { PermanentStageError, exitCodeFor } from '../runtime/stage-error.js';
import { writeFileAtomically } from '../runtime/stage-outputs.js';
import { runScheduledNight } from './scheduled-night.js';

/**
 * `node services/eval/dist/main.js schedule`: one firing of an EvalSchedule as EVAL_SCHEDULE_ENV
 * describes it (a CronJob's pod, or the local operator's child process). Needs DATABASE_URL (the
 * previous night and the baseline live there); publishes regressions when KAFKA_BROKERS is set.
 * Resolves to the exit code: 0 done (regressions or not), 1 failed, 64 a bad spec or missing input.
 */
export async function runScheduledNightWorker(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const telemetry = setupTelemetry({
    serviceName: 'xreason-eval',
    logLevel: (env.XREASON_LOG_LEVEL as LogLevel | undefined) ?? 'info',
    defaultMetrics: false,
    ...(env.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
  });
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => abort.abort(new Error(`stopped by ${signal}`));
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  let bus: Bus | undefined;
  let database: Database | undefined;
  const E = EVAL_SCHEDULE_ENV;
  const schedule = env[E.schedule]?.trim() ?? '';
  const log = telemetry.logger.child({ schedule });
  try {
    if (!schedule) throw new PermanentStageError(E.schedule, 'is not set');
    let raw: unknown;
    try {
      raw = JSON.parse(env[E.spec] ?? '');
    } catch {
      throw new PermanentStageError(E.spec, 'is not JSON');
    }
    let spec;
    try {
      spec = validate(EvalScheduleSpecSchema, Value.Default(EvalScheduleSpecSchema, raw), E.spec);
    } catch (error) {
      if (error instanceof SchemaValidationError) throw new PermanentStageError(E.spec, error.message);
      throw error;
    }
    const scheduledTime = env[E.scheduledTime] ? new Date(env[E.scheduledTime]!) : new Date();
    if (Number.isNaN(scheduledTime.getTime())) throw new PermanentStageError(E.scheduledTime, 'is not an ISO time');
    if (!env.DATABASE_URL?.trim())
      throw new PermanentStageError('DATABASE_URL', 'a scheduled evaluation compares with earlier nights in Postgres');
    const artifactRoot = env[STAGE_WORKER_ENV.artifactRoot]?.trim() || join(env.XREASON_STATE_DIR ?? '.', 'artifacts');
    const outputDir = env[E.outputDir]?.trim() || join(artifactRoot, 'schedules', schedule);
    database = await openDatabase({ databaseUrl: env.DATABASE_URL, stateDir: artifactRoot, migrate: false });
    const brokers = (env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    if (brokers.length > 0) bus = await Bus.connect({ brokers, clientId: env.KAFKA_CLIENT_ID ?? 'xreason-eval' });
    log.info({ scheduledTime: scheduledTime.toISOString(), outputDir }, 'night started');
    let lastLine = 0;
    const result = await runScheduledNight({
      schedule,
      scheduleUid: env[E.uid]?.trim() || null,
      spec,
      scheduledTime,
      outputDir,
      artifactRoot,
      ...(env.XREASON_SUITES_DIR ? { suitesDir: env.XREASON_SUITES_DIR } : {}),
      dataSource: database.dataSource,
      ...(bus ? { publisher: bus.publisher } : {}),
      signal: abort.signal,
      onProgress: (line) => {
        // Progress in the night's log: at most one line every 2 s.
        if (Date.now() - lastLine < 2_000) return;
        lastLine = Date.now();
        log.info({ progress: line }, line);
      },
    });
    if (env[E.resultFile]) await writeFileAtomically(env[E.resultFile]!, `${JSON.stringify(result, null, 2)}\n`);
    log.info(
      { night: result.night, regressions: result.regressions, reports: result.evaluations.map((e) => e.reportPath) },
      `night ${result.night} done: ${result.evaluations.length} evaluation(s), ${result.regressions} regression(s)`,
    );
    return STAGE_EXIT_CODES.succeeded;
  } catch (error) {
    const code = abort.signal.aborted ? STAGE_EXIT_CODES.failed : exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    log.error(
      { error: message, stack: error instanceof Error ? error.stack : undefined, exitCode: code },
      'night failed',
    );
    console.error(`night of ${schedule || 'an unnamed schedule'} failed (exit ${code}): ${message}`);
    return code;
  } finally {
    await bus?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await telemetry.shutdown();
  }
}
