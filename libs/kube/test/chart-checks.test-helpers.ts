import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CHART, type KubeObject, type RenderedChart, type RenderedManifest } from './chart.test-helpers.js';
import { kubernetesSchemaErrors, type CustomResourceDefinition } from './kube-schemas.test-helpers.js';

/**
 * The checks the chart must pass for every values file CI renders it with. Each returns the list of
 * problems ("Kind/name: what is wrong"), empty when the chart is fine, so a broken override can be
 * shown to produce the named problem.
 */

/**
 * Templated objects: manifests and hooks (CRDs come untemplated from crds/). A document holding only
 * comments parses to null; Helm keeps it in its output and installs nothing for it.
 */
export function templated(rendered: RenderedChart): RenderedManifest[] {
  return [...rendered.manifests, ...rendered.hooks].filter((m) => m.object !== null);
}

/** Objects that did not come from `helm template` (kustomize output, built workloads), shaped for the checks. */
export function asRendered(objects: readonly KubeObject[]): RenderedChart {
  const { name, version, appVersion } = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as {
    name: string;
    version: string;
    appVersion: string;
  };
  const manifest = (object: KubeObject) => ({
    source: 'objects',
    kind: object.kind,
    name: object.metadata.name,
    content: stringify(object),
    object,
  });
  const isCrd = (o: KubeObject) => o.kind === 'CustomResourceDefinition';
  return {
    chart: { name, version, appVersion },
    values: {},
    crds: objects.filter(isCrd).map(manifest),
    manifests: objects.filter((o) => !isCrd(o)).map(manifest),
    hooks: [],
    notes: '',
  };
}

const id = (o: KubeObject) => `${o.kind}/${o.metadata?.name ?? '?'}`;

export async function schemaProblems(rendered: RenderedChart): Promise<string[]> {
  const crds = rendered.crds.map((c) => c.object as unknown as CustomResourceDefinition);
  const problems: string[] = [];
  for (const m of [...rendered.crds, ...templated(rendered)])
    problems.push(...(await kubernetesSchemaErrors(m.object, crds)));
  return problems;
}

/**
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/ plus Helm's
 * helm.sh/chart; objects shipped as kustomize bases (k8s/) say managed-by kustomize and carry no
 * helm.sh/chart label.
 */
export function labelProblems(
  rendered: RenderedChart,
  releaseName: string,
  managedBy: 'Helm' | 'kustomize' = 'Helm',
): string[] {
  const { name, version, appVersion } = rendered.chart;
  const expected: Record<string, string | RegExp | null> = {
    'helm.sh/chart': managedBy === 'Helm' ? `${name}-${version}`.replace(/\+/g, '_') : null,
    'app.kubernetes.io/name': /^[a-z0-9-]+$/,
    'app.kubernetes.io/instance': releaseName,
    'app.kubernetes.io/version': appVersion,
    'app.kubernetes.io/component': /^[a-z0-9-]+$/,
    'app.kubernetes.io/part-of': 'xreason',
    'app.kubernetes.io/managed-by': managedBy,
  };
  const problems: string[] = [];
  const check = (where: string, labels: Record<string, string> | undefined) => {
    for (const [key, want] of Object.entries(expected)) {
      const got = labels?.[key];
      if (want === null) {
        if (got !== undefined)
          problems.push(`${where}: label ${key}=${got} should not be there (not installed by Helm)`);
      } else if (got === undefined) problems.push(`${where}: label ${key} is missing`);
      else if (typeof want === 'string' ? got !== want : !want.test(got))
        problems.push(`${where}: label ${key}=${got}, expected ${String(want)}`);
    }
  };
  for (const { object } of templated(rendered)) {
    check(id(object), object.metadata.labels);
    const template = podTemplate(object);
    if (template) check(`${id(object)} pod template`, template.metadata?.labels);
  }
  return problems;
}

interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  securityContext?: SecurityContext;
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}
interface PodSpec {
  serviceAccountName?: string;
  securityContext?: SecurityContext;
  containers: Container[];
  initContainers?: Container[];
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}

/** The pod a workload object creates, if it creates any. */
export function podTemplate(object: KubeObject): PodTemplate | undefined {
  const spec = object.spec as Record<string, unknown> | undefined;
  switch (object.kind) {
    case 'Pod':
      return { metadata: object.metadata, spec: spec as unknown as PodSpec };
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return spec?.template as PodTemplate;
    case 'CronJob':
      return ((spec?.jobTemplate as { spec: { template: PodTemplate } }) ?? undefined)?.spec.template;
    default:
      return undefined;
  }
}

const containersOf = (pod: PodSpec) => [...(pod.initContainers ?? []), ...pod.containers];

export function podSecurityProblems(rendered: RenderedChart): string[] {
  const problems: string[] = [];
  for (const { object } of templated(rendered)) {
    const pod = podTemplate(object)?.spec;
    if (!pod) continue;
    for (const c of containersOf(pod)) {
      const where = `${id(object)} container ${c.name}`;
      const sc = { ...pod.securityContext, ...c.securityContext };
      if (sc.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
      if (sc.runAsUser === undefined || sc.runAsUser === 0)
        problems.push(`${where}: runAsUser must be a non-zero uid (the image's USER cannot be checked here)`);
      if (c.securityContext?.readOnlyRootFilesystem !== true)
        problems.push(`${where}: readOnlyRootFilesystem is not true`);
      if (c.securityContext?.allowPrivilegeEscalation !== false)
        problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc.privileged) problems.push(`${where}: privileged`);
      if (!c.securityContext?.capabilities?.drop?.includes('ALL'))
        problems.push(`${where}: capabilities do not drop ALL`);
      if (sc.seccompProfile?.type !== 'RuntimeDefault' && sc.seccompProfile?.type !== 'Localhost')
        problems.push(`${where}: no RuntimeDefault seccomp profile`);
    }
  }
  return problems;
}

/** registry/name:tag or name@sha256:…; the tag is after the last "/" (a registry may have a port). */
export function imageTag(image: string): { tag?: string; digest?: string } {
  const [reference, digest] = image.split('@');
  const last = reference!.slice(reference!.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return { ...(colon >= 0 ? { tag: last.slice(colon + 1) } : {}), ...(digest ? { digest } : {}) };
}

export function imageProblems(rendered: RenderedChart): string[] {
  const problems: string[] = [];
  const images: [string, string][] = [];
  for (const { object } of templated(rendered)) {
    const pod = podTemplate(object)?.spec;
    for (const c of pod ? containersOf(pod) : []) images.push([`${id(object)} container ${c.name}`, c.image ?? '']);
    if (object.kind === 'ConfigMap')
      for (const [key, value] of Object.entries((object.data as Record<string, string>) ?? {}))
        if (key.startsWith('XREASON_KUBE_IMAGE_')) images.push([`${id(object)} ${key}`, value]);
  }
  for (const [where, image] of images) {
    const { tag, digest } = imageTag(image);
    if (!image) problems.push(`${where}: no image`);
    else if (!tag && !digest) problems.push(`${where}: image ${image} has no tag (means latest)`);
    else if (tag === 'latest') problems.push(`${where}: image ${image} uses the latest tag`);
  }
  return problems;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** What the API server or the workloads would trip over: names, duplicates, selectors, references. */
export function consistencyProblems(rendered: RenderedChart): string[] {
  const problems: string[] = [];
  const objects = templated(rendered).map((m) => m.object);
  const seen = new Set<string>();
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(key)) problems.push(`${id(o)}: rendered twice in namespace ${o.metadata.namespace ?? '(none)'}`);
    seen.add(key);
    const name = o.metadata.name ?? '';
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) problems.push(`${id(o)}: name is not a DNS-1123 subdomain`);
    if (o.kind === 'Service' && (name.length > 63 || !DNS_LABEL.test(name)))
      problems.push(`${id(o)}: a Service name must be a DNS-1035 label`);
    for (const [k, v] of Object.entries(o.metadata.labels ?? {}))
      if (v.length > 63 || !LABEL_VALUE.test(v)) problems.push(`${id(o)}: label ${k}=${v} is not a valid label value`);
  }
  const workloads = objects.filter((o) => podTemplate(o) && o.kind !== 'Pod');
  for (const w of workloads) {
    const template = podTemplate(w)!;
    const selector = (w.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
    if (w.kind !== 'Job' && w.kind !== 'CronJob' && !matches(selector, template.metadata?.labels))
      problems.push(`${id(w)}: selector does not match the pod template's labels`);
  }
  const podsSelectedBy = (selector: Record<string, string> | undefined) =>
    workloads.filter((w) => matches(selector, podTemplate(w)!.metadata?.labels)).map((w) => podTemplate(w)!.spec);
  const portNames = (pods: PodSpec[]) =>
    new Set(pods.flatMap((p) => p.containers.flatMap((c) => c.ports ?? [])).map((p) => p.name));
  for (const o of objects) {
    if (o.kind === 'Service') {
      const spec = o.spec as {
        selector?: Record<string, string>;
        ports: { name?: string; targetPort?: string | number }[];
      };
      const pods = podsSelectedBy(spec.selector);
      if (pods.length === 0) problems.push(`${id(o)}: selects no rendered pod`);
      for (const p of spec.ports)
        if (typeof p.targetPort === 'string' && !portNames(pods).has(p.targetPort))
          problems.push(`${id(o)}: targetPort ${p.targetPort} is not a container port of the selected pods`);
    }
    if (o.kind === 'NetworkPolicy') {
      const spec = o.spec as {
        podSelector: { matchLabels?: Record<string, string> };
        ingress?: { ports?: { port?: string | number }[] }[];
      };
      const pods = podsSelectedBy(spec.podSelector.matchLabels);
      if (pods.length === 0) problems.push(`${id(o)}: selects no rendered pod`);
      for (const rule of spec.ingress ?? [])
        for (const p of rule.ports ?? [])
          if (typeof p.port === 'string' && !portNames(pods).has(p.port))
            problems.push(`${id(o)}: ingress port ${p.port} is not a container port of the selected pods`);
    }
    if (o.kind === 'ServiceMonitor') {
      const spec = o.spec as { selector: { matchLabels?: Record<string, string> }; endpoints: { port?: string }[] };
      const services = objects.filter(
        (s) => s.kind === 'Service' && matches(spec.selector.matchLabels, s.metadata.labels),
      );
      if (services.length === 0) problems.push(`${id(o)}: selects no rendered Service`);
      const ports = new Set(
        services.flatMap((s) => (s.spec as { ports: { name?: string }[] }).ports.map((p) => p.name)),
      );
      for (const e of spec.endpoints)
        if (e.port && !ports.has(e.port))
          problems.push(`${id(o)}: endpoint port ${e.port} is not a port of the selected Service`);
    }
    if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
      const roleRef = o.roleRef as { kind: string; name: string };
      if (!find(roleRef.kind, roleRef.name))
        problems.push(`${id(o)}: roleRef ${roleRef.kind}/${roleRef.name} is not rendered`);
      for (const s of (o.subjects as { kind: string; name: string }[]) ?? [])
        if (s.kind === 'ServiceAccount' && !find('ServiceAccount', s.name))
          problems.push(`${id(o)}: subject ServiceAccount/${s.name} is not rendered`);
    }
    const pod = podTemplate(o)?.spec;
    if (pod && o.kind !== 'Pod') {
      if (pod.serviceAccountName && !find('ServiceAccount', pod.serviceAccountName))
        problems.push(`${id(o)}: serviceAccountName ${pod.serviceAccountName} is not rendered`);
      for (const c of containersOf(pod))
        for (const from of c.envFrom ?? [])
          if (from.configMapRef && !find('ConfigMap', from.configMapRef.name))
            problems.push(`${id(o)}: envFrom ConfigMap ${from.configMapRef.name} is not rendered`);
    }
  }
  return problems;
}
