import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OperatorApi, startOperatorApi } from '../api/operator-api.test-helpers.js';

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
  let api: OperatorApi;
  beforeAll(async () => {
    api = await startOperatorApi({ token: TOKEN, prefix: '/api/v1', tmpPrefix: 'xreason-schedules-api-' });
  }, 120_000);
  afterAll(() => api?.close());

  const call = (path: string, init: RequestInit = {}, token = TOKEN) => api.call(path, init, token);
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
