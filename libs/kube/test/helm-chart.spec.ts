import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHART, ChartRenderError, renderChart, type RenderedChart } from './chart.test-helpers.js';
import {
  consistencyProblems,
  imageProblems,
  labelProblems,
  podSecurityProblems,
  schemaProblems,
  templated,
} from './chart-checks.test-helpers.js';

// The chart as `helm template --include-crds` renders it (tools/helm-render: Go text/template + sprig
// + Helm's extras, built from Debian's packages), every object validated against Kubernetes' schemas
// and the CRDs, with each values file CI installs it with.
const RELEASE = 'xreason';
const NAMESPACE = 'xreason-system';
const GPU_KUEUE = join(CHART, 'ci/gpu-kueue-values.yaml');

interface OperatorPod {
  containers: {
    env: { name: string; value?: string; valueFrom?: { secretKeyRef?: object } }[];
    volumeMounts: { name: string; mountPath: string }[];
  }[];
  volumes: { name: string; emptyDir?: object }[];
}

const objectsOf = (rendered: RenderedChart, kind: string) =>
  templated(rendered)
    .map((m) => m.object)
    .filter((o) => o.kind === kind);

describe.each([
  ['values.yaml', [] as string[]],
  ['ci/gpu-kueue-values.yaml', [GPU_KUEUE]],
])('helm/xreason rendered with %s', (_name, values) => {
  let rendered: RenderedChart;
  beforeAll(() => {
    rendered = renderChart({ values, releaseName: RELEASE, namespace: NAMESPACE });
  });

  it('renders the CRDs, the operator objects, the test hook and the NOTES', () => {
    expect(rendered.crds.map((c) => c.name).sort()).toEqual(['alignmentruns.xreason.io', 'evalschedules.xreason.io']);
    for (const kind of ['ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'NetworkPolicy', 'RoleBinding'])
      expect(objectsOf(rendered, kind).length, kind).toBeGreaterThan(0);
    expect(rendered.hooks.map((h) => [h.kind, h.hook])).toEqual([['Pod', 'test']]);
    expect(rendered.notes).toContain('kubectl get alignmentruns');
  });

  it('every CRD, manifest and hook validates against the Kubernetes schemas, unknown fields included', async () => {
    expect(await schemaProblems(rendered)).toEqual([]);
  });

  it('every object carries the recommended app.kubernetes.io labels and helm.sh/chart', () => {
    expect(labelProblems(rendered, RELEASE)).toEqual([]);
  });

  it('every pod runs as a non-root uid with a read-only root filesystem, no privilege escalation, no capabilities', () => {
    expect(podSecurityProblems(rendered)).toEqual([]);
  });

  it('every image, the stage workers’ included, is pinned to a tag other than latest', () => {
    expect(imageProblems(rendered)).toEqual([]);
  });

  it('names are valid and unique, selectors select the pods, references resolve', () => {
    expect(consistencyProblems(rendered)).toEqual([]);
  });
});

describe('what each values file turns on', () => {
  it('default values: a Role and RoleBinding in the release namespace, no ServiceMonitor, no Kueue queue', () => {
    const rendered = renderChart({ releaseName: RELEASE, namespace: NAMESPACE });
    expect(objectsOf(rendered, 'ClusterRole')).toEqual([]);
    expect(objectsOf(rendered, 'Role').map((r) => [r.metadata.name, r.metadata.namespace])).toEqual([
      ['xreason', NAMESPACE],
      ['xreason-leader-election', NAMESPACE],
    ]);
    expect(objectsOf(rendered, 'ServiceMonitor')).toEqual([]);
    const config = objectsOf(rendered, 'ConfigMap')[0]!.data as Record<string, string>;
    expect(config).toMatchObject({ XREASON_KUBE_NAMESPACES: NAMESPACE, XREASON_KUBE_KUEUE_QUEUE: '' });
  });

  it('ci/gpu-kueue-values.yaml: a ClusterRole for every namespace, the Kueue queue, a ServiceMonitor, Triton', () => {
    const rendered = renderChart({ values: [GPU_KUEUE], releaseName: RELEASE, namespace: NAMESPACE });
    expect(objectsOf(rendered, 'ClusterRole').map((r) => r.metadata.name)).toEqual(['xreason']);
    expect(objectsOf(rendered, 'ServiceMonitor').map((s) => s.metadata.labels?.release)).toEqual(['prometheus']);
    expect(objectsOf(rendered, 'ConfigMap')[0]!.data).toMatchObject({
      XREASON_KUBE_NAMESPACES: '', // the operator's "every namespace"
      XREASON_KUBE_KUEUE_QUEUE: 'team-a-gpus',
      XREASON_KUBE_PRIORITY_CLASS: 'gpu-training',
      XREASON_KUBE_BACKOFF_LIMIT_PER_INDEX: '1',
      TRITON_URL: 'http://triton.inference.svc:8000',
    });
    expect(rendered.notes).toContain('Kueue queue "team-a-gpus"');
  });

  it('the operator keeps its state on the /tmp emptyDir (read-only root) and every replica shares one API token', () => {
    const rendered = renderChart({ releaseName: RELEASE, namespace: NAMESPACE });
    const pod = (objectsOf(rendered, 'Deployment')[0]!.spec as { template: { spec: OperatorPod } }).template.spec;
    const container = pod.containers[0]!;
    const env = new Map(container.env.map((e) => [e.name, e]));
    const stateDir = env.get('XREASON_STATE_DIR')?.value ?? '';
    const mount = container.volumeMounts.find((m) => stateDir.startsWith(`${m.mountPath}/`));
    expect(pod.volumes.find((v) => v.name === mount?.name)?.emptyDir, stateDir).toBeDefined();
    expect(env.get('XREASON_API_TOKEN')?.valueFrom?.secretKeyRef).toEqual({ name: 'xreason-api-token', key: 'token' });
  });

  it('one watched namespace gets the Role and RoleBinding; the leader-election Role stays in the release namespace', () => {
    const rendered = renderChart({ values: [{ operator: { watchNamespaces: ['team-a'] } }] });
    expect(objectsOf(rendered, 'RoleBinding').map((r) => [r.metadata.name, r.metadata.namespace])).toEqual([
      ['xreason', 'team-a'],
      ['xreason-leader-election', NAMESPACE],
    ]);
    expect(objectsOf(rendered, 'ConfigMap')[0]!.data).toMatchObject({ XREASON_KUBE_NAMESPACES: 'team-a' });
  });
});

describe('the check fails, naming the problem, on a broken values override', () => {
  it('a value values.schema.json forbids is refused before rendering, naming the field', () => {
    expect(() => renderChart({ values: [{ operator: { replicas: 0 } }] })).toThrow(ChartRenderError);
    expect(() => renderChart({ values: [{ operator: { replicas: 0 } }] })).toThrow(
      /operator\.replicas: Must be greater than or equal to 1/,
    );
  });

  it('a wrongly typed field inside a pass-through value fails the Kubernetes schema at its path', async () => {
    const rendered = renderChart({
      values: [{ operator: { tolerations: [{ key: 'gpu', tolerationSeconds: 'soon' }] } }],
    });
    expect(await schemaProblems(rendered)).toContain(
      'Deployment/xreason/spec/template/spec/tolerations/0/tolerationSeconds: must be integer',
    );
  });

  it('a misspelt field is an unknown field, as the API server’s strict field validation says', async () => {
    const rendered = renderChart({ values: [{ operator: { affinity: { nodeAfinity: {} } } }] });
    expect(await schemaProblems(rendered)).toContain(
      'Deployment/xreason/spec/template/spec/affinity/nodeAfinity: unknown field "nodeAfinity" (not in V1Affinity)',
    );
  });

  it('the latest tag is refused for the operator and every stage worker', () => {
    const rendered = renderChart({ values: [{ image: { tag: 'latest' } }] });
    const problems = imageProblems(rendered);
    expect(problems).toContain(
      'Deployment/xreason container operator: image ghcr.io/xreason/operator:latest uses the latest tag',
    );
    expect(problems).toContain(
      'ConfigMap/xreason XREASON_KUBE_IMAGE_TRAINER: image ghcr.io/xreason/trainer:latest uses the latest tag',
    );
  });

  it('several watched namespaces are refused at install time (the operator would refuse to start)', () => {
    expect(() => renderChart({ values: [{ operator: { watchNamespaces: ['team-a', 'team-b'] } }] })).toThrow(
      'operator.watchNamespaces: the operator watches one namespace, or every namespace with ["*"]; several are not supported yet',
    );
  });

  it('a cluster older than the chart’s kubeVersion is refused', () => {
    expect(() => renderChart({ kubeVersion: 'v1.27.3' })).toThrow(
      'chart requires kubeVersion: >=1.29.0-0 which is incompatible with Kubernetes v1.27.3',
    );
  });
});
