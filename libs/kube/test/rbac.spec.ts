import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEADER_ELECTION_RULES, OPERATOR_RULES, RBAC_FILES } from '../src/crds/operator-rbac.js';
import { Cluster, JOBS, NS, RUNS, SCHEDULES, eventually, runManifest } from './scenario.test-helpers.js';

const root = resolve(import.meta.dirname, '../../..');

/** The RBAC verb of a request the way the API server's authorizer names it. */
function verbOf(method: string, path: string, query: URLSearchParams | undefined, isCollection: boolean): string {
  if (method === 'GET') return query?.get('watch') ? 'watch' : isCollection ? 'list' : 'get';
  return (
    { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: isCollection ? 'deletecollection' : 'delete' }[method] ??
    method
  );
}

function resourceOf(path: string): { group: string; resource: string; collection: boolean } {
  const parts = path.split('/').filter(Boolean);
  const group = parts[0] === 'api' ? '' : (parts[1] ?? '');
  let rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [resource, name, sub] = rest;
  return { group, resource: sub ? `${resource}/${sub}` : (resource ?? ''), collection: name === undefined };
}

describe('operator RBAC', () => {
  let cluster: Cluster;
  const used = new Set<string>();

  beforeAll(async () => {
    // Drive every code path that talks to the API: runs through success, failure, deletion; a schedule.
    cluster = await new Cluster().start();
    cluster.operator();
    cluster.server.put(RUNS, runManifest('rb', { resources: { sft: { nodes: 2 } } }));
    await eventually(() => expect(cluster.jobNames()).toEqual(['rb-data-1']));
    cluster.setJob('rb-data-1', 'Complete');
    await eventually(() => expect(cluster.jobNames()).toEqual(['rb-data-1', 'rb-sft-1']));
    cluster.server.put(SCHEDULES, {
      apiVersion: 'xreason.io/v1alpha1',
      kind: 'EvalSchedule',
      metadata: { name: 'n', namespace: NS },
      spec: {
        schedule: '0 2 * * *',
        models: [{ name: 'b', uri: 'file:///m' }],
        languages: ['ja'],
        evaluation: { suites: ['mgsm'], samples: 1, k: [1] },
      },
    });
    await eventually(() => expect(cluster.server.get('batch/v1/cronjobs', NS, 'n-eval')).toBeDefined());
    cluster.server.remove(RUNS, NS, 'rb');
    await eventually(() => expect(cluster.server.list(JOBS, NS)).toEqual([]));
    await cluster.stop();
    for (const r of cluster.server.requests) {
      const { group, resource, collection } = resourceOf(r.path);
      used.add(`${group}|${resource}|${verbOf(r.method, r.path, r.query, collection)}`);
      // An apply is an upsert: the API server also authorizes `create` for it.
      if (r.contentType === 'application/apply-patch+yaml' && !resource.endsWith('/status') && !r.preconditioned)
        used.add(`${group}|${resource}|create`);
    }
  });

  const granted = [...OPERATOR_RULES, ...LEADER_ELECTION_RULES].flatMap((rule) =>
    rule.apiGroups.flatMap((g) => rule.resources.flatMap((res) => rule.verbs.map((v) => `${g}|${res}|${v}`))),
  );

  it('grants every verb the operator used in the scenarios', () => {
    expect([...used].filter((u) => !granted.includes(u))).toEqual([]);
  });

  it('grants no verb the operator never used', () => {
    expect(granted.filter((g) => !used.has(g))).toEqual([]);
  });

  it.each([...RBAC_FILES.keys()])(
    'the chart ships the current %s (regenerate with `npm run generate:crds -w @xreason/kube`)',
    (name) => {
      expect(readFileSync(resolve(root, 'helm/xreason/files', name), 'utf8')).toContain(RBAC_FILES.get(name));
    },
  );
});
