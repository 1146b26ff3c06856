import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OperatorApi, startOperatorApi } from '../api/operator-api.test-helpers.js';

const TOKEN = 't'.repeat(40);

const YAML = `apiVersion: xreason.io/v1alpha1
kind: AlignmentRun
metadata: { name: api-run }
spec:
  recipe: merge
  baseModel: { uri: file:///models/base }
  languages: [fr]
  merge: { method: linear }
`;

describe('runs REST API', () => {
  let api: OperatorApi;
  beforeAll(async () => {
    api = await startOperatorApi({ token: TOKEN, prefix: '/api/v1/runs', tmpPrefix: 'xreason-runs-api-' });
  }, 120_000);
  afterAll(() => api?.close());

  const call = (path: string, init: RequestInit = {}, token = TOKEN) => api.call(path, init, token);

  it('refuses every route without the API token', async () => {
    for (const [method, path] of [
      ['GET', ''],
      ['POST', ''],
      ['GET', '/x'],
      ['DELETE', '/x'],
      ['GET', '/x/logs'],
    ] as const) {
      expect((await call(path, { method }, 'wrong-token')).status, `${method} ${path}`).toBe(401);
    }
  });

  it('applies a YAML manifest, then reports it unchanged, and updates its spec with a new generation', async () => {
    type Applied = { results: { action: string; generation: number }[] };
    const post = (body: string, type = 'application/yaml') =>
      call('', { method: 'POST', body, headers: { 'content-type': type } });
    const resultOf = async (body: string, type?: string) =>
      ((await (await post(body, type)).json()) as Applied).results[0];
    const created = await post(YAML);
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({
      results: [{ name: 'api-run', namespace: 'default', action: 'created', generation: 1 }],
    });
    expect((await resultOf(YAML))?.action).toBe('unchanged');
    const json = JSON.stringify({
      apiVersion: 'xreason.io/v1alpha1',
      kind: 'AlignmentRun',
      metadata: { name: 'api-run' },
      spec: {
        recipe: 'merge',
        baseModel: { uri: 'file:///models/base' },
        languages: ['fr'],
        merge: { method: 'ties' },
      },
    });
    expect(await resultOf(json, 'application/json')).toMatchObject({
      action: 'configured',
      generation: 2,
    });
  });

  it('answers a bad manifest with 400 listing every bad field', async () => {
    const response = await call('', {
      method: 'POST',
      body: JSON.stringify({
        apiVersion: 'xreason.io/v1alpha1',
        kind: 'AlignmentRun',
        metadata: { name: 'Not A Name' },
        spec: { recipe: 'nope', baseModel: {}, languages: [] },
      }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { problems: { path: string }[] };
    const paths = body.problems.map((p) => p.path);
    for (const path of ['/metadata/name', '/spec/recipe', '/spec/baseModel/uri', '/spec/languages'])
      expect(
        paths.some((p) => p.startsWith(path)),
        path,
      ).toBe(true);
    expect((await call('', { method: 'POST' })).status).toBe(400); // no body at all
  });

  it('lists runs, shows one as a resource, and 404s an unknown one', async () => {
    const list = (await (await call('')).json()) as { items: { name: string; phase: string }[] };
    expect(list.items).toEqual([expect.objectContaining({ name: 'api-run', phase: 'Pending', recipe: 'merge' })]);
    const one = (await (await call('/api-run')).json()) as Record<string, unknown>;
    expect(one).toMatchObject({
      apiVersion: 'xreason.io/v1alpha1',
      kind: 'AlignmentRun',
      metadata: { name: 'api-run', namespace: 'default', generation: 2 },
      spec: { recipe: 'merge', merge: { method: 'ties' }, maxRetries: 2 },
    });
    const missing = await call('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ message: 'run nope not found' });
  });

  it('deletes a run that holds no finalizer at once', async () => {
    const response = await call('/api-run', { method: 'DELETE' });
    expect(await response.json()).toEqual({ name: 'api-run', namespace: 'default', outcome: 'deleted' });
    expect((await call('/api-run', { method: 'DELETE' })).status).toBe(404);
  });
});
