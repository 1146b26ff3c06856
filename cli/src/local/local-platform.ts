import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { type Broker, startBroker } from '@xreason/broker';
import { type PostgresServer, redactDatabaseUrl, startEmbeddedPostgres } from '@xreason/db';
import { createLogger } from '@xreason/telemetry';
import { probe, type ProbeResult, waitUntilReady } from './http-health.js';
import { ServiceProcess, serviceEntry } from './service-process.js';

export interface LocalPlatformOptions {
  stateDir: string;
  host: string;
  operatorPort: number;
  /** Port of the local Kafka-protocol broker (0 picks a free one). */
  brokerPort: number;
  /** An external Postgres; absent means the embedded one under `<stateDir>/postgres`. */
  databaseUrl?: string;
  readyTimeoutMs?: number;
  onProgress?: (message: string) => void;
}

export interface PlatformHealth {
  database: { mode: 'embedded' | 'external'; url: string; dataDir?: string };
  broker: { bootstrapServers: string; dataDir: string; ok: boolean; error?: string };
  operator: { url: string; pid?: number; logFile: string; healthz: ProbeResult; readyz: ProbeResult };
  healthy: boolean;
}

/**
 * The local platform: the same services a cluster runs, as child processes of the CLI, on an
 * embedded Postgres. `xreason up` starts it; later issues add the broker and stage workers.
 */
export class LocalPlatform {
  private constructor(
    private readonly options: LocalPlatformOptions,
    private readonly databaseUrl: string,
    private readonly postgres: PostgresServer | undefined,
    private readonly broker: Broker,
    private readonly brokerDataDir: string,
    readonly operator: ServiceProcess,
    readonly operatorUrl: string,
  ) {}

  static async start(options: LocalPlatformOptions): Promise<LocalPlatform> {
    const progress = options.onProgress ?? (() => {});
    let postgres: PostgresServer | undefined;
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      progress(`starting embedded Postgres (data: ${join(options.stateDir, 'postgres')})`);
      postgres = await startEmbeddedPostgres({ dataDir: join(options.stateDir, 'postgres') });
      databaseUrl = postgres.url;
    }
    // The broker runs inside this process: it is the local stand-in for a Kafka cluster, with its log
    // under the state dir so acknowledged messages survive the next `up`.
    const brokerDataDir = join(options.stateDir, 'broker');
    let broker: Broker;
    try {
      mkdirSync(join(options.stateDir, 'logs'), { recursive: true });
      progress(`starting the Kafka-protocol broker (log: ${brokerDataDir})`);
      broker = await startBroker({
        host: '127.0.0.1',
        port: options.brokerPort,
        dataDir: brokerDataDir,
        logger: createLogger({
          serviceName: 'xreason-broker',
          destination: join(options.stateDir, 'logs', 'broker.log'),
        }),
      });
    } catch (error) {
      await postgres?.stop();
      throw error;
    }
    const operatorUrl = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${options.operatorPort}`;
    progress(`starting operator on ${operatorUrl}`);
    let operator: ServiceProcess;
    try {
      operator = ServiceProcess.start({
        name: 'operator',
        entry: serviceEntry('operator'),
        logFile: join(options.stateDir, 'logs', 'operator.log'),
        env: {
          DATABASE_URL: databaseUrl,
          PORT: String(options.operatorPort),
          XREASON_HTTP_HOST: options.host,
          XREASON_STATE_DIR: options.stateDir,
          KAFKA_BROKERS: broker.bootstrapServers,
        },
      });
    } catch (error) {
      await broker.close();
      await postgres?.stop();
      throw error;
    }
    const platform = new LocalPlatform(options, databaseUrl, postgres, broker, brokerDataDir, operator, operatorUrl);
    const ready = await waitUntilReady(`${operatorUrl}/readyz`, {
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      isDead: () => operator.hasExited,
    });
    if (!ready.ok) {
      const reason = operator.hasExited
        ? operator.describeExit()
        : `not ready: ${ready.error ?? `HTTP ${ready.status}`}`;
      const tail = operator.tail();
      await platform.stop();
      throw new Error(`operator ${reason}\n--- ${operator.logFile} (last lines) ---\n${tail}`);
    }
    return platform;
  }

  async health(): Promise<PlatformHealth> {
    const [healthz, readyz, brokerReachable] = await Promise.all([
      probe(`${this.operatorUrl}/healthz`),
      probe(`${this.operatorUrl}/readyz`),
      tcpReachable('127.0.0.1', this.broker.port),
    ]);
    return {
      database: {
        mode: this.postgres ? 'embedded' : 'external',
        url: redactDatabaseUrl(this.databaseUrl),
        ...(this.postgres ? { dataDir: this.postgres.dataDir } : {}),
      },
      broker: { bootstrapServers: this.broker.bootstrapServers, dataDir: this.brokerDataDir, ...brokerReachable },
      operator: { url: this.operatorUrl, pid: this.operator.pid, logFile: this.operator.logFile, healthz, readyz },
      healthy: healthz.ok && readyz.ok && brokerReachable.ok && !this.operator.hasExited,
    };
  }

  /** Stops the services first (they hold database and broker connections), then the broker and Postgres. */
  async stop(): Promise<void> {
    await this.operator.stop();
    await this.broker.close();
    await this.postgres?.stop();
  }

  get stateDir(): string {
    return this.options.stateDir;
  }
}

function tcpReachable(host: string, port: number, timeoutMs = 2_000): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolveProbe) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolveProbe({ ok: true });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolveProbe({ ok: false, error: 'timed out' });
    });
    socket.once('error', (error) => resolveProbe({ ok: false, error: error.message }));
  });
}
