import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, printableConfig } from '@xreason/config';
import { PinoNestLogger, setupTelemetry } from '@xreason/telemetry';
import { OperatorModule } from './app.module.js';
import { type OperatorConfig, OperatorConfigSchema } from './operator.config.js';
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

  const app = await NestFactory.create(OperatorModule.forRoot({ config, telemetry }), {
    logger: new PinoNestLogger(telemetry.logger),
    abortOnError: false,
  });
  await app.listen(config.http.port, config.http.host);
  logger.info({ url: await app.getUrl() }, 'operator ready');

  // Our own signal handling rather than Nest's enableShutdownHooks: spans must be flushed after Nest
  // has closed, and a shutdown that hangs must still end within the grace period.
  const shutdown = async (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ graceMs: config.shutdownGraceMs }, 'shutdown exceeded the grace period; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    deadline.unref();
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
