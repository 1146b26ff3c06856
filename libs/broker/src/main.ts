/**
 * Runs the broker as its own process: `node dist/main.js --port 9092 --data-dir DIR [--memory]`
 * (or from the sources with `--import ./src/dev/source-hooks.mjs src/main.ts`). Logs are JSON lines
 * on stderr. When started with an IPC channel (child.ts), it reports `{ type: 'ready', port }` and
 * answers `{ type: 'cpu' }` with its own CPU time, which the benchmark uses to measure the broker's share.
 */
import { parseArgs } from 'node:util';
import { startBroker } from './broker.js';
import type { BrokerLogger } from './logger.js';

function jsonLogger(level: 'info' | 'warn' | 'error'): BrokerLogger['info'] {
  return (obj, msg) => process.stderr.write(JSON.stringify({ level, time: Date.now(), msg, ...obj }) + '\n');
}

function int(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new Error(`--${name} must be an integer, got "${value}"`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      memory: { type: 'boolean' },
      partitions: { type: 'string' },
      'flush-interval-ms': { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const logger: BrokerLogger = values.quiet
    ? { info() {}, warn: jsonLogger('warn'), error: jsonLogger('error') }
    : { info: jsonLogger('info'), warn: jsonLogger('warn'), error: jsonLogger('error') };
  const broker = await startBroker({
    host: values.host,
    port: int('port', values.port),
    dataDir: values['data-dir'],
    memory: values.memory ?? false,
    defaultPartitions: int('partitions', values.partitions),
    flushIntervalMs: int('flush-interval-ms', values['flush-interval-ms']),
    logger,
  });
  process.send?.({ type: 'ready', port: broker.port, bootstrapServers: broker.bootstrapServers });
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'cpu') process.send?.({ type: 'cpu', usage: process.cpuUsage() });
    if (message?.type === 'metrics') process.send?.({ type: 'metrics', text: broker.metricsText() });
  });
  const stop = () => {
    void broker.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`broker failed to start: ${error.message}\n`);
  process.exit(1);
});
