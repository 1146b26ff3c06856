import 'reflect-metadata';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@xreason/config';
import { type PostgresServer, startEmbeddedPostgres } from '@xreason/db';
import { setupTelemetry, type Telemetry } from '@xreason/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_CONTENT_TYPES } from '../api/manifest-body.js';
import { OperatorModule } from '../app.module.js';
import { OperatorConfigSchema } from '../operator.config.js';

const TOKEN = 's'.repeat(40);

const YAML = `apiVersion: xreason.io/v1alpha1
kind: EvalSchedule
metadata: { name: nightly-world }
spec:
  schedule: '0 2 * * *'
  timeZone: Europe/Paris
  models: [{ name: candidate, uri: /models/candidate }]
  languages: [ja, fr]
  evaluation: { suites: [world], samples: 4, k: [1] }
`;

describe('evalschedules REST API', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'xreason-schedules-api-'));
  chmodSync(stateDir, 0o755);
  let postgres: PostgresServer;
  let telemetry: Telemetry;
  let app: NestExpressApplication;
  let baseUrl: string;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres({ dataDir: join(stateDir, 'postgres') });
    const config = loadConfig(OperatorConfigSchema, {
      subject: 'operator configuration',
      env: {
        DATABASE_URL: postgres.url,
        XREASON_STATE_DIR: stateDir,
        XREASON_API_TOKEN: TOKEN,
        XREASON_LOG_LEVEL: 'silent',
      },
    });
    telemetry = setupTelemetry({ serviceName: 'xreason-operator', logLevel: 'silent' });
    app = await NestFactory.create<NestExpressApplication>(OperatorModule.forRoot({ config, telemetry }), {
      logger: false,
    });
    app.useBodyParser('text', { type: MANIFEST_CONTENT_TYPES });
    await app.listen(0, '127.0.0.1');
    baseUrl = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/api/v1`;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await telemetry?.shutdown();
    await postgres?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const call = (path: string, init: RequestInit = {}, token = TOKEN) =>
    fetch(`${baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const post = (path: string, body: string) =>
    call(path, { method: 'POST', body, headers: { 'content-type': 'application/yaml' } });

  it('refuses every route without the API token', async () => {
    for (const [method, path] of [
      ['GET', '/evalschedules'],
      ['POST', '/evalschedules'],
      ['GET', '/evalschedules/x'],
      ['DELETE', '/evalschedules/x'],
    ] as const)
      expect((await call(path, { method }, 'wrong')).status, `${method} ${path}`).toBe(401);
  });

  it('applies a schedule (created, unchanged, configured) and shows it with its status and nights', async () => {
    const created = await post('/evalschedules', YAML);
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({
      results: [{ name: 'nightly-world', namespace: 'default', action: 'created', generation: 1 }],
    });
    expect(
      ((await (await post('/evalschedules', YAML)).json()) as { results: { action: string }[] }).results[0],
    ).toMatchObject({ action: 'unchanged' });
    const changed = (await (await post('/evalschedules', YAML.replace("'0 2 * * *'", "'30 3 * * *'"))).json()) as {
      results: { action: string; generation: number }[];
    };
    expect(changed.results[0]).toMatchObject({ action: 'configured', generation: 2 });

    const list = (await (await call('/evalschedules')).json()) as { items: Record<string, unknown>[] };
    expect(list.items).toEqual([
      expect.objectContaining({
        name: 'nightly-world',
        schedule: '30 3 * * *',
        timeZone: 'Europe/Paris',
        models: ['candidate'],
        suites: ['world'],
        active: false,
      }),
    ]);
    const one = (await (await call('/evalschedules/nightly-world')).json()) as Record<string, unknown>;
    expect(one).toMatchObject({
      apiVersion: 'xreason.io/v1alpha1',
      kind: 'EvalSchedule',
      metadata: { name: 'nightly-world', generation: 2 },
      spec: { schedule: '30 3 * * *', evaluation: { samples: 4 } },
      nights: [],
    });
    // Runs and schedules share a table, not a listing.
    expect(((await (await call('/runs')).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('answers a bad cron expression, time zone or schema with 400 naming the field, and a run posted here with where it goes', async () => {
    const badCron = await post('/evalschedules', YAML.replace("'0 2 * * *'", "'0 26 * * *'"));
    expect(badCron.status).toBe(400);
    expect(((await badCron.json()) as { problems: { path: string }[] }).problems[0]?.path).toBe('/spec/schedule');
    const badZone = await post('/evalschedules', YAML.replace('Europe/Paris', 'Europe/Atlantis'));
    expect(badZone.status).toBe(400);
    expect(await badZone.json()).toMatchObject({ problems: [{ path: '/spec/timeZone' }] });
    const badSchema = await post('/evalschedules', YAML.replace('samples: 4', 'samples: 0'));
    expect(badSchema.status).toBe(400);
    expect(((await badSchema.json()) as { problems: { path: string }[] }).problems.map((p) => p.path)).toContain(
      '/spec/evaluation/samples',
    );
    const run = await post(
      '/evalschedules',
      'apiVersion: xreason.io/v1alpha1\nkind: AlignmentRun\nmetadata: { name: r }\nspec: { recipe: merge, baseModel: { uri: /m }, languages: [fr] }\n',
    );
    expect(run.status).toBe(400);
    expect(((await run.json()) as { message: string }).message).toMatch(/AlignmentRun, applied at \/api\/v1\/runs/);
    const scheduleAtRuns = await post('/runs', YAML);
    expect(((await scheduleAtRuns.json()) as { message: string }).message).toMatch(/at \/api\/v1\/evalschedules/);
  });

  it('deletes a schedule, then 404s it', async () => {
    const response = await call('/evalschedules/nightly-world', { method: 'DELETE' });
    expect(await response.json()).toEqual({ name: 'nightly-world', namespace: 'default', outcome: 'deleted' });
    expect((await call('/evalschedules/nightly-world')).status).toBe(404);
    expect((await call('/evalschedules/nightly-world', { method: 'DELETE' })).status).toBe(404);
  });
});
