import { join } from 'node:path';
import { type PostgresServer, redactDatabaseUrl, startEmbeddedPostgres } from '@xreason/db';
import { probe, type ProbeResult, waitUntilReady } from './http-health.js';
import { ServiceProcess, serviceEntry } from './service-process.js';

export interface LocalPlatformOptions {
  stateDir: string;
  host: string;
  operatorPort: number;
  /** An external Postgres; absent means the embedded one under `<stateDir>/postgres`. */
  databaseUrl?: string;
  readyTimeoutMs?: number;
  onProgress?: (message: string) => void;
}

export interface PlatformHealth {
  database: { mode: 'embedded' | 'external'; url: string; dataDir?: string };
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
        },
      });
    } catch (error) {
      await postgres?.stop();
      throw error;
    }
    const platform = new LocalPlatform(options, databaseUrl, postgres, operator, operatorUrl);
    const ready = await waitUntilReady(`${operatorUrl}/readyz`, {
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      isDead: () => operator.hasExited,
    });
    if (!ready.ok) {
      const reason = operator.hasExited ? operator.describeExit() : `not ready: ${ready.error ?? `HTTP ${ready.status}`}`;
      const tail = operator.tail();
      await platform.stop();
      throw new Error(`operator ${reason}\n--- ${operator.logFile} (last lines) ---\n${tail}`);
    }
    return platform;
  }

  async health(): Promise<PlatformHealth> {
    const [healthz, readyz] = await Promise.all([probe(`${this.operatorUrl}/healthz`), probe(`${this.operatorUrl}/readyz`)]);
    return {
      database: {
        mode: this.postgres ? 'embedded' : 'external',
        url: redactDatabaseUrl(this.databaseUrl),
        ...(this.postgres ? { dataDir: this.postgres.dataDir } : {}),
      },
      operator: { url: this.operatorUrl, pid: this.operator.pid, logFile: this.operator.logFile, healthz, readyz },
      healthy: healthz.ok && readyz.ok && !this.operator.hasExited,
    };
  }

  /** Stops the services first (they hold database connections), then Postgres. */
  async stop(): Promise<void> {
    await this.operator.stop();
    await this.postgres?.stop();
  }

  get stateDir(): string {
    return this.options.stateDir;
  }
}
