import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  GENERATED_DIRECTORIES,
  GPU_KUEUE_VALUES,
  RELEASE,
  forKustomize,
  generateK8sFiles,
  renderManifests,
} from '../scripts/generate-k8s.mjs';
import { REPO, renderChart, type KubeObject } from './chart.test-helpers.js';
import {
  asRendered,
  consistencyProblems,
  imageProblems,
  labelProblems,
  podSecurityProblems,
  schemaProblems,
} from './chart-checks.test-helpers.js';
import { KustomizeError, kustomizeBuild, resourceId } from './kustomize.test-helpers.js';

// k8s/: the CRDs, the base rendered from the chart (scripts/generate-k8s.mjs) and the overlays, built
// as `kustomize build` would (kustomize.test-helpers.ts: no kustomize binary here) and held to the same
// checks as the chart, and to the chart itself: each build must be, object for object, the chart
// rendered with the values it stands for.

async function problemsOf(objects: readonly KubeObject[]): Promise<string[]> {
  const rendered = asRendered(objects);
  return [
    ...(await schemaProblems(rendered)),
    ...labelProblems(rendered, RELEASE, 'kustomize'),
    ...podSecurityProblems(rendered),
    ...imageProblems(rendered),
    ...consistencyProblems(rendered),
  ];
}

const byId = (objects: readonly KubeObject[]) => new Map(objects.map((o) => [resourceId(o), o]));

/** The chart with `values` as k8s/ ships it: its CRDs, and its manifests without Helm's labels (no hooks). */
function chartAsKustomize(values: string[]): Map<string, KubeObject> {
  const crds = renderChart({ values }).crds.map((c) => parse(c.content) as KubeObject);
  const manifests = renderManifests(values).map((m) => parse(forKustomize(m.content)) as KubeObject);
  return byId([...crds, ...manifests]);
}

describe('k8s/ files generated from the chart', () => {
  const fresh = generateK8sFiles();

  it.each(GENERATED_DIRECTORIES)(
    'the files committed in %s match a fresh generation byte for byte (run `npm run generate:k8s -w @xreason/kube`)',
    (directory) => {
      const expected = [...fresh.keys()]
        .filter((p) => dirname(p) === directory)
        .map((p) => p.slice(directory.length + 1));
      const committed = readdirSync(join(REPO, directory)).filter((f) => f.endsWith('.yaml'));
      expect(committed.sort()).toEqual(expected.sort());
      for (const name of expected)
        expect(readFileSync(join(REPO, directory, name), 'utf8'), `${directory}/${name}`).toBe(
          fresh.get(`${directory}/${name}`),
        );
    },
  );

  it('carry nothing only Helm uses: no helm.sh/ label or hook, no checksum annotation, no "Helm" manager', () => {
    for (const [path, text] of fresh) {
      expect(text, path).not.toMatch(/helm\.sh\/(chart|hook)|checksum\/config|managed-by: Helm/);
    }
    expect(fresh.get('k8s/base/deployment.yaml')).toContain('app.kubernetes.io/managed-by: kustomize');
  });
});

/** Every kustomization in k8s/ that users apply, with the chart values it stands for. */
const BUILDS: [string, string, string[]][] = [
  ['k8s', 'values.yaml', []],
  ['k8s/overlays/gpu-kueue', 'ci/gpu-kueue-values.yaml', [GPU_KUEUE_VALUES]],
];

it('every overlay in k8s/overlays is built and compared with the chart below', () => {
  const overlays = readdirSync(join(REPO, 'k8s/overlays')).map((d) => `k8s/overlays/${d}`);
  expect(overlays.sort()).toEqual(BUILDS.map(([d]) => d).filter((d) => d.startsWith('k8s/overlays/')));
});

describe.each(BUILDS)('kustomize build %s', (directory, valuesName, values) => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = kustomizeBuild(join(REPO, directory));
  });

  it(`is the chart rendered with ${valuesName}, object for object (CRDs included, the test hook not)`, () => {
    const built = byId(objects);
    const chart = chartAsKustomize(values);
    expect([...built.keys()].sort()).toEqual([...chart.keys()].sort());
    for (const [id, object] of chart) expect(built.get(id), id).toEqual(object);
  });

  it('validates against the Kubernetes schemas and the CRDs, unknown fields included', async () => {
    expect(await schemaProblems(asRendered(objects))).toEqual([]);
  });

  it('carries the recommended labels, managed-by kustomize, and no helm.sh/chart', () => {
    expect(labelProblems(asRendered(objects), RELEASE, 'kustomize')).toEqual([]);
  });

  it('runs every pod non-root with a read-only root filesystem, every image pinned', () => {
    expect(podSecurityProblems(asRendered(objects))).toEqual([]);
    expect(imageProblems(asRendered(objects))).toEqual([]);
  });

  it('has valid unique names, selectors that select, references that resolve', () => {
    expect(consistencyProblems(asRendered(objects))).toEqual([]);
  });
});

describe('a broken overlay fails, naming the problem', () => {
  // Overlays written into a copy of k8s/, so that their relative paths resolve as in the repository.
  let scratch: string;
  let n = 0;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'xreason-k8s-'));
    cpSync(join(REPO, 'k8s'), join(scratch, 'k8s'), { recursive: true });
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function overlay(kustomization: Record<string, unknown>, files: Record<string, unknown> = {}): string {
    const dir = join(scratch, 'k8s/overlays', `test-${++n}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...kustomization }),
    );
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), stringify(content));
    return dir;
  }
  const configMapPatch = (name: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'xreason-system' },
    data: { XREASON_KUBE_KUEUE_QUEUE: 'q' },
  });

  it('a strategic-merge patch for an object the base does not have', () => {
    const dir = overlay(
      { resources: ['../../base'], patches: [{ path: 'p.yaml' }] },
      { 'p.yaml': configMapPatch('xreasn') },
    );
    expect(() => kustomizeBuild(dir)).toThrow('no resource matches v1/ConfigMap/xreason-system/xreasn');
  });

  it('a patch without the object’s namespace (kustomize reads it as "default")', () => {
    const patch = { ...configMapPatch('xreason'), metadata: { name: 'xreason' } };
    const dir = overlay({ resources: ['../../base'], patches: [{ path: 'p.yaml' }] }, { 'p.yaml': patch });
    expect(() => kustomizeBuild(dir)).toThrow('no resource matches v1/ConfigMap/default/xreason');
  });

  it('an overlay that includes the directory it is in is a cycle, as kustomize says', () => {
    expect(() => kustomizeBuild(overlay({ resources: ['../..'] }))).toThrow(/cycle detected: candidate root/);
  });

  it('a file from outside the overlay’s directory, as kustomize’s load restrictor refuses it', () => {
    const dir = overlay({ resources: ['../../crds/alignmentruns.xreason.io.yaml'] });
    expect(() => kustomizeBuild(dir)).toThrow(KustomizeError);
    expect(() => kustomizeBuild(dir)).toThrow(/is not in or below/);
  });

  it('an object added twice', () => {
    expect(() => kustomizeBuild(overlay({ resources: ['../../base', '../../base'] }))).toThrow(
      'may not add resource with an already registered id: networking.k8s.io/v1/NetworkPolicy/xreason-system/xreason',
    );
  });

  it('a list in a strategic-merge patch (its merge key is not modelled) and a JSON 6902 path that does not exist', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'xreason', namespace: 'xreason-system' },
      spec: { template: { spec: { containers: [{ name: 'operator', image: 'x:1' }] } } },
    };
    const smp = overlay({ resources: ['../../base'], patches: [{ path: 'p.yaml' }] }, { 'p.yaml': deployment });
    expect(() => kustomizeBuild(smp)).toThrow(/spec\/template\/spec\/containers: a list .* use a JSON 6902 patch/);
    const json = overlay({
      resources: ['../../base'],
      patches: [
        {
          target: { kind: 'NetworkPolicy', name: 'xreason' },
          patch: stringify([{ op: 'replace', path: '/spec/egress/7/to', value: [] }]),
        },
      ],
    });
    expect(() => kustomizeBuild(json)).toThrow('replace /spec/egress/7/to: 7 does not exist');
  });

  it('a kustomization field the test does not implement', () => {
    expect(() => kustomizeBuild(overlay({ resources: ['../../base'], namespace: 'team-a' }))).toThrow(
      /namespace is not implemented by kustomize.test-helpers.ts/,
    );
  });

  it('the chart checks name a latest tag, a misspelt field and a Helm label that an overlay brings in', async () => {
    const dir = overlay(
      {
        resources: ['../../crds', '../../base'],
        patches: [
          {
            target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'xreason' },
            patch: stringify([
              {
                op: 'replace',
                path: '/spec/template/spec/containers/0/image',
                value: 'ghcr.io/xreason/operator:latest',
              },
            ]),
          },
          { path: 'typo.yaml' },
        ],
      },
      {
        'typo.yaml': {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'xreason', namespace: 'xreason-system', labels: { 'helm.sh/chart': 'xreason-0.1.0' } },
          spec: { template: { spec: { nodeSelectr: { gpu: 'a100' } } } },
        },
      },
    );
    const problems = await problemsOf(kustomizeBuild(dir));
    expect(problems).toContain(
      'Deployment/xreason container operator: image ghcr.io/xreason/operator:latest uses the latest tag',
    );
    expect(problems).toContain(
      'Deployment/xreason/spec/template/spec/nodeSelectr: unknown field "nodeSelectr" (not in V1PodSpec)',
    );
    expect(problems).toContain(
      'Deployment/xreason: label helm.sh/chart=xreason-0.1.0 should not be there (not installed by Helm)',
    );
  });
});
