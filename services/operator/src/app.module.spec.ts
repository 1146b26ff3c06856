import 'reflect-metadata';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@xreason/config';
import { type PostgresServer, startEmbeddedPostgres } from '@xreason/db';
import { InMemorySpanExporter, setupTelemetry, type Telemetry } from '@xreason/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorModule } from './app.module.js';
import { OperatorConfigSchema } from './operator.config.js';

describe('operator application', () => {
  // World-searchable: as root, embedded Postgres runs as the postgres user, who must reach its data dir.
  const stateDir = mkdtempSync(join(tmpdir(), 'xreason-operator-'));
  chmodSync(stateDir, 0o755);
  const spans = new InMemorySpanExporter();
  let postgres: PostgresServer;
  let telemetry: Telemetry;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres({ dataDir: join(stateDir, 'postgres') });
    const config = loadConfig(OperatorConfigSchema, {
      subject: 'operator configuration',
      env: {
        DATABASE_URL: postgres.url,
        PORT: '0',
        XREASON_HTTP_HOST: '127.0.0.1',
        XREASON_STATE_DIR: stateDir,
        XREASON_LOG_LEVEL: 'silent',
      },
    });
    telemetry = setupTelemetry({ serviceName: 'xreason-operator', spanExporter: spans, logLevel: 'silent' });
    app = await NestFactory.create(OperatorModule.forRoot({ config, telemetry }), { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await telemetry?.shutdown();
    await postgres?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('answers liveness on /healthz', async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('is ready on /readyz only after checking the database', async () => {
    const response = await fetch(`${baseUrl}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      checks: { database: { ok: boolean; latencyMs: number; error?: string } };
    };
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.database.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('exports a server span for each request', async () => {
    spans.reset();
    await fetch(`${baseUrl}/healthz`);
    const names = spans.getFinishedSpans().map((s) => s.name);
    expect(names.some((n) => n.includes('/healthz'))).toBe(true);
  });

  it('serves a request counter in Prometheus text on /metrics', async () => {
    await fetch(`${baseUrl}/healthz`);
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/# TYPE http_requests_total counter/);
    expect(text).toMatch(/http_requests_total\{[^}]*route="\/healthz"[^}]*\} [1-9]/);
  });

  it('requires the API token on /api routes and accepts it as a bearer token', async () => {
    expect((await fetch(`${baseUrl}/api/v1/info`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/api/v1/info`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const token = readFileSync(join(stateDir, 'api-token'), 'utf8').trim();
    const response = await fetch(`${baseUrl}/api/v1/info`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      apiVersion: 'xreason.io/v1alpha1',
      recipes: expect.arrayContaining(['budget-alignment']),
    });
  });

  it('turns not ready with the reason when the database goes away', async () => {
    await postgres.stop();
    const response = await fetch(`${baseUrl}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      checks: { database: { ok: boolean; latencyMs: number; error?: string } };
    };
    expect(body.checks.database.ok).toBe(false);
    expect(body.checks.database.error).toEqual(expect.any(String));
  });
});
