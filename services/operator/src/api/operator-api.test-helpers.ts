import 'reflect-metadata';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@xreason/config';
import { type PostgresServer, startEmbeddedPostgres } from '@xreason/db';
import { setupTelemetry, type Telemetry } from '@xreason/telemetry';
import { OperatorModule } from '../app.module.js';
import { OperatorConfigSchema } from '../operator.config.js';
import { MANIFEST_CONTENT_TYPES } from './manifest-body.js';

export interface OperatorApi {
  /** `fetch` under the API prefix with the bearer token (another token to test refusals). */
  call(path: string, init?: RequestInit, token?: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The operator's HTTP API on an embedded Postgres and a random port, as the REST tests use it. The
 * control loop is not started: these tests pin the API, not reconciliation.
 */
export async function startOperatorApi(options: {
  token: string;
  prefix: string;
  tmpPrefix: string;
}): Promise<OperatorApi> {
  const stateDir = mkdtempSync(join(tmpdir(), options.tmpPrefix));
  chmodSync(stateDir, 0o755); // as root, embedded Postgres runs as the postgres user
  let postgres: PostgresServer | undefined;
  let telemetry: Telemetry | undefined;
  let app: NestExpressApplication | undefined;
  const close = async () => {
    await app?.close();
    await telemetry?.shutdown();
    await postgres?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    postgres = await startEmbeddedPostgres({ dataDir: join(stateDir, 'postgres') });
    const config = loadConfig(OperatorConfigSchema, {
      subject: 'operator configuration',
      env: {
        DATABASE_URL: postgres.url,
        XREASON_STATE_DIR: stateDir,
        XREASON_API_TOKEN: options.token,
        XREASON_LOG_LEVEL: 'silent',
      },
    });
    telemetry = setupTelemetry({ serviceName: 'xreason-operator', logLevel: 'silent' });
    app = await NestFactory.create<NestExpressApplication>(OperatorModule.forRoot({ config, telemetry }), {
      logger: false,
    });
    app.useBodyParser('text', { type: MANIFEST_CONTENT_TYPES });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await close();
    throw error;
  }
  const baseUrl = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}${options.prefix}`;
  return {
    call: (path, init = {}, token = options.token) =>
      fetch(`${baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } }),
    close,
  };
}
