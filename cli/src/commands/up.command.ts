import { resolve } from 'node:path';
import { findFreePort } from '../local/free-port.js';
import { LocalPlatform, type PlatformHealth } from '../local/local-platform.js';
import { type CliCommand, UserError } from '../cli-command.js';
import { parsePort } from '../options.js';

interface UpOptions {
  stateDir: string;
  port: string;
  brokerPort: string;
  host: string;
  json?: boolean;
  exitWhenHealthy?: boolean;
}

export const upCommand: CliCommand = {
  name: 'up',
  register(program) {
    program
      .command('up')
      .description(
        'start the local platform (embedded Postgres, Kafka-protocol broker, operator), report its health, run until Ctrl-C',
      )
      .option(
        '--state-dir <dir>',
        'local state: database, logs, artifacts',
        process.env.XREASON_STATE_DIR ?? '.xreason',
      )
      .option('--port <port>', 'operator HTTP port (0 picks a free one)', process.env.PORT ?? '7070')
      .option('--broker-port <port>', 'Kafka-protocol broker port (0 picks a free one)', '9092')
      .option('--host <host>', 'operator listen address', '127.0.0.1')
      .option('--json', 'print the health report as JSON')
      .option('--exit-when-healthy', 'stop everything and exit once the health report is printed (scripts, CI)')
      .action(async (options: UpOptions) => {
        let port = parsePort('--port', options.port);
        if (port === 0) port = await findFreePort(options.host);
        const log = (message: string) => {
          if (!options.json) console.error(`  · ${message}`);
        };
        let platform: LocalPlatform;
        try {
          platform = await LocalPlatform.start({
            stateDir: resolve(options.stateDir),
            host: options.host,
            operatorPort: port,
            brokerPort: parsePort('--broker-port', options.brokerPort),
            databaseUrl: process.env.DATABASE_URL,
            onProgress: log,
          });
        } catch (error) {
          throw new UserError(`the local platform did not start: ${(error as Error).message}`);
        }
        const health = await platform.health();
        console.log(options.json ? JSON.stringify(health, null, 2) : renderHealth(health));
        if (options.exitWhenHealthy || !health.healthy) {
          await platform.stop();
          if (!health.healthy) throw new UserError('the local platform is not healthy');
          return;
        }
        if (!options.json) console.error('\nxreason is up. Press Ctrl-C to stop.');
        await untilSignalOrExit(platform);
      });
  },
};

async function untilSignalOrExit(platform: LocalPlatform): Promise<void> {
  const stopSignal = await new Promise<'signal' | 'operator-exit'>((resolveWait) => {
    const onSignal = () => resolveWait('signal');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    void platform.operator.waitForExit().then(() => resolveWait('operator-exit'));
  });
  if (stopSignal === 'operator-exit') {
    const reason = platform.operator.describeExit();
    await platform.stop();
    throw new UserError(`the operator ${reason}; see ${platform.operator.logFile}`);
  }
  console.error('\nstopping…');
  await platform.stop();
  console.error('stopped.');
}

function renderHealth(health: PlatformHealth): string {
  const mark = (ok: boolean) => (ok ? 'ok' : 'FAIL');
  const readyBody = health.operator.readyz.body as
    { checks?: Record<string, { ok: boolean; latencyMs?: number }> } | undefined;
  const checks = Object.entries(readyBody?.checks ?? {})
    .map(
      ([name, check]) => `${name} ${mark(check.ok)}${check.latencyMs !== undefined ? ` (${check.latencyMs} ms)` : ''}`,
    )
    .join(', ');
  return [
    `xreason local platform: ${health.healthy ? 'healthy' : 'UNHEALTHY'}`,
    `  postgres   ${health.database.mode.padEnd(9)} ${health.database.url}`,
    `  broker     ${health.broker.bootstrapServers}  ${mark(health.broker.ok)}${health.broker.error ? ` (${health.broker.error})` : ''}  log ${health.broker.dataDir}`,
    `  operator   ${health.operator.url}  pid ${health.operator.pid ?? '-'}  healthz ${mark(health.operator.healthz.ok)}  readyz ${mark(health.operator.readyz.ok)}${checks ? ` [${checks}]` : ''}`,
    `  logs       ${health.operator.logFile}`,
  ].join('\n');
}
