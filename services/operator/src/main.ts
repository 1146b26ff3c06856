import 'reflect-metadata';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfig, printableConfig } from '@xreason/config';
import { PinoNestLogger, setupTelemetry } from '@xreason/telemetry';
import { OperatorModule } from './app.module.js';
import { type OperatorConfig, OperatorConfigSchema } from './operator.config.js';
import { ORCHESTRATOR, type Orchestrator } from './runs/orchestrator.js';
import { MANIFEST_CONTENT_TYPES } from './runs/runs.controller.js';
import { OPERATOR_VERSION } from './version.js';

/**
 * Start-up order: configuration (a bad one exits 1 with one error naming every bad field), then
 * telemetry, then Nest (which opens and migrates the database). SIGTERM/SIGINT close the HTTP server
 * after readiness has turned 503, then the database.
 */
async function main(): Promise<void> {
  let config: OperatorConfig;
  try {
    config = loadConfig(OperatorConfigSchema, { subject: 'operator configuration' });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 1;
      return;
    }
    throw error;
  }

  const telemetry = setupTelemetry({
    serviceName: 'xreason-operator',
    serviceVersion: OPERATOR_VERSION,
    otlpEndpoint: config.telemetry.otlpEndpoint,
    logLevel: config.telemetry.logLevel,
  });
  const logger = telemetry.logger;
  logger.info({ config: printableConfig(OperatorConfigSchema, config) }, 'starting the operator');

  const app = await NestFactory.create<NestExpressApplication>(OperatorModule.forRoot({ config, telemetry }), {
    logger: new PinoNestLogger(telemetry.logger),
    abortOnError: false,
  });
  app.useBodyParser('text', { type: MANIFEST_CONTENT_TYPES, limit: '1mb' });
  await app.listen(config.http.port, config.http.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url, mode: config.mode }, 'operator ready');
  // The control loop starts only once the API serves, so a run submitted at once is picked up.
  await app.get<Orchestrator>(ORCHESTRATOR).start();
  // Local mode: tell the CLI where the API is (the port may have been picked at random).
  const urlFile = join(config.stateDir, 'operator-url');
  if (config.mode === 'local') writeFileSync(urlFile, `${url}\n`);

  // Our own signal handling rather than Nest's enableShutdownHooks: spans must be flushed after Nest
  // has closed, and a shutdown that hangs must still end within the grace period.
  const shutdown = async (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ graceMs: config.shutdownGraceMs }, 'shutdown exceeded the grace period; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    deadline.unref();
    if (config.mode === 'local') {
      try {
        unlinkSync(urlFile);
      } catch {
        // already gone
      }
    }
    await app.close();
    logger.info('stopped');
    await telemetry.shutdown();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (s) => void shutdown(s));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
