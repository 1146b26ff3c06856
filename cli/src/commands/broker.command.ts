import { resolve } from 'node:path';
import { startBroker } from '@xreason/broker';
import { createLogger } from '@xreason/telemetry';
import { type CliCommand, UserError } from '../cli-command.js';
import { parsePort, parsePositiveInteger } from '../options.js';

interface BrokerCliOptions {
  host: string;
  port: string;
  dataDir?: string;
  memory?: boolean;
  partitions: string;
  autoCreateTopics: boolean;
  logLevel: string;
}

export const brokerCommand: CliCommand = {
  name: 'broker',
  register(program) {
    program
      .command('broker')
      .description('run the single-node Kafka-protocol broker (local mode, development, tests)')
      .option('--host <host>', 'listen address', '127.0.0.1')
      .option('--port <port>', 'TCP port (0 picks a free one)', '9092')
      .option('--data-dir <dir>', 'directory of the durable log (default <state dir>/broker)')
      .option('--memory', 'keep the log in memory: nothing survives a restart')
      .option('--partitions <n>', 'partitions of auto-created topics', '1')
      .option('--no-auto-create-topics', 'refuse to create unknown topics on first use')
      .option('--log-level <level>', 'info, warn or error', 'info')
      .action(async (options: BrokerCliOptions) => {
        if (options.memory && options.dataDir) throw new UserError('--memory and --data-dir exclude each other');
        const dataDir = options.memory
          ? undefined
          : resolve(options.dataDir ?? `${process.env.XREASON_STATE_DIR ?? '.xreason'}/broker`);
        const logger = createLogger({
          serviceName: 'xreason-broker',
          level: options.logLevel as 'info',
          destination: 2,
        });
        const broker = await startBroker({
          host: options.host,
          port: parsePort('--port', options.port),
          memory: options.memory ?? false,
          dataDir,
          defaultPartitions: parsePositiveInteger('--partitions', options.partitions),
          autoCreateTopics: options.autoCreateTopics,
          logger,
        });
        console.log(`broker listening on ${broker.bootstrapServers}${dataDir ? ` (log: ${dataDir})` : ' (in memory)'}`);
        await new Promise<void>((resolveStop) => {
          const stop = () => resolveStop();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await broker.close();
      });
  },
};
