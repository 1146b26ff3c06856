import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Type } from '@sinclair/typebox';
import { ConfigError, HttpConfig, TelemetryConfig, defineConfig, loadConfig } from '@xreason/config';
import { STAGE_EXIT_CODES } from '@xreason/contracts';
import { PinoNestLogger, setupTelemetry } from '@xreason/telemetry';
import { GrpoStageError } from '../grpo-stage-error.js';
import { type GrpoWorkerRole, standaloneWorkerEnv } from '../standalone-worker.js';
import { GrpoWorkerModule } from './grpo-worker.module.js';
import { GrpoWorkerService } from './grpo-worker.service.js';

/** The HTTP side of a GRPO worker service; the run comes from GRPO_WORKER_ENV (standalone-worker.ts). */
export const GrpoWorkerConfigSchema = defineConfig(Type.Object({ http: HttpConfig, telemetry: TelemetryConfig }));

/**
 * `node services/<rollout|reward>/dist/main.js`: configuration first (a bad one exits 64 naming the
 * field), then telemetry, then the Nest app with its probes, then the role. SIGTERM/SIGINT stop the
 * role and close the app (exit 0); a role that fails exits 1, or 64 when retrying cannot help.
 */
export async function grpoWorkerMain(role: GrpoWorkerRole, version: string): Promise<void> {
  let config;
  try {
    standaloneWorkerEnv(process.env); // which run: checked before anything listens
    config = loadConfig(GrpoWorkerConfigSchema, { subject: `${role} worker configuration` });
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof GrpoStageError)) throw error;
    console.error(error.message);
    process.exit(STAGE_EXIT_CODES.permanentFailure);
  }
  const telemetry = setupTelemetry({
    serviceName: `xreason-${role}`,
    serviceVersion: version,
    otlpEndpoint: config.telemetry.otlpEndpoint,
    logLevel: config.telemetry.logLevel,
  });
  const app = await NestFactory.create(GrpoWorkerModule.forRoot({ role, env: process.env, telemetry }), {
    logger: new PinoNestLogger(telemetry.logger),
    abortOnError: false,
  });
  await app.listen(config.http.port, config.http.host);
  telemetry.logger.info({ url: await app.getUrl(), role }, `${role} worker serving probes`);
  const worker = app.get(GrpoWorkerService);
  let closing: Promise<void> | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void (closing ??= app.close()));
  let code: number = STAGE_EXIT_CODES.succeeded;
  try {
    await worker.done;
  } catch (error) {
    if (!closing) {
      telemetry.logger.error({ err: error }, `${role} worker failed`);
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      code =
        error instanceof GrpoStageError && error.permanent
          ? STAGE_EXIT_CODES.permanentFailure
          : STAGE_EXIT_CODES.failed;
    }
  }
  await (closing ??= app.close());
  await telemetry.shutdown();
  process.exit(code);
}
