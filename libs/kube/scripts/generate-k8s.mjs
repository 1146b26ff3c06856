#!/usr/bin/env node
// Writes the kustomize manifests that are rendered from the Helm chart, for users without Helm:
//
//   k8s/base/                          the chart with its default values (release "xreason" in namespace
//                                      "xreason-system"), one file per template, and its kustomization.yaml
//   k8s/overlays/gpu-kueue/generated/  the objects ci/gpu-kueue-values.yaml adds to those (the
//                                      ClusterRole and its binding, the ServiceMonitor)
//
//   npm run generate:k8s -w @xreason/kube        (after generate:crds: the chart ships its RBAC rules)
//
// Rendered by tools/helm-render (the chart check's renderer), minus what only Helm uses: the test hook,
// NOTES, the helm.sh/chart label (app.kubernetes.io/managed-by becomes kustomize) and the pod
// template's checksum/config annotation (Helm's way to roll the Deployment when the ConfigMap
// changes). test/k8s-kustomize.spec.ts fails when a committed file differs from a fresh generation,
// and builds k8s/ and every overlay to check them as the chart is checked.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isMap, isScalar, parseDocument, stringify, visit } from 'yaml';
import { REPO, runHelmRender } from './helm-render.mjs';

export const RELEASE = 'xreason';
export const NAMESPACE = 'xreason-system';
export const CHART = join(REPO, 'helm/xreason');
export const GPU_KUEUE_VALUES = join(CHART, 'ci/gpu-kueue-values.yaml');

/** Directories this script owns entirely (a stale .yaml in them is removed). */
export const GENERATED_DIRECTORIES = ['k8s/base', 'k8s/overlays/gpu-kueue/generated'];

const COMMAND = '`npm run generate:k8s -w @xreason/kube`';

/** The chart's templated manifests (no CRDs, no hooks, no NOTES) as helm-render's JSON reports them. */
export function renderManifests(valuesFiles = []) {
  const args = ['--output', 'json', '--release-name', RELEASE, '--namespace', NAMESPACE];
  for (const file of valuesFiles) args.push('-f', file);
  const rendered = JSON.parse(runHelmRender([...args, CHART]));
  return rendered.manifests.filter((m) => m.object !== null);
}

/**
 * One rendered document as kustomize ships it: every metadata's labels lose helm.sh/chart and say
 * managed-by kustomize; the checksum/config annotation goes (an emptied annotations map with it).
 * Comments, key order and scalar styles of the chart's output are kept.
 */
export function forKustomize(content) {
  const doc = parseDocument(content);
  if (doc.errors.length > 0) throw new Error(`cannot parse a rendered manifest: ${doc.errors[0].message}`);
  const metadatas = [];
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'metadata' && isMap(pair.value)) metadatas.push(pair.value);
    },
  });
  for (const metadata of metadatas) {
    const labels = metadata.get('labels');
    if (isMap(labels)) {
      labels.delete('helm.sh/chart');
      if (labels.has('app.kubernetes.io/managed-by')) labels.set('app.kubernetes.io/managed-by', 'kustomize');
    }
    const annotations = metadata.get('annotations');
    if (isMap(annotations)) {
      annotations.delete('checksum/config');
      if (annotations.items.length === 0) metadata.delete('annotations');
    }
  }
  return doc.toString({ lineWidth: 0 });
}

const idOf = (m) =>
  `${m.object.apiVersion}/${m.object.kind}/${m.object.metadata.namespace ?? ''}/${m.object.metadata.name}`;

/** Manifests → file name (the template's) → YAML text, in the chart's install order. */
function filesOf(manifests, header) {
  const bySource = new Map();
  for (const m of manifests) {
    const file = basename(m.source);
    bySource.set(file, [...(bySource.get(file) ?? []), forKustomize(m.content)]);
  }
  return new Map([...bySource].map(([file, docs]) => [file, header + docs.join('---\n')]));
}

const kustomization = (header, resources) =>
  header + stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });

/** Repository-relative path → text of every generated file. */
export function generateK8sFiles() {
  const files = new Map();
  const base = renderManifests();
  const baseHeader =
    `# Generated from helm/xreason (default values, release "${RELEASE}" in namespace "${NAMESPACE}") by ${COMMAND}.\n` +
    '# Do not edit: patch it from an overlay (k8s/overlays), or change the chart and regenerate.\n';
  const baseFiles = filesOf(base, baseHeader);
  for (const [name, text] of baseFiles) files.set(`k8s/base/${name}`, text);
  files.set('k8s/base/kustomization.yaml', kustomization(baseHeader, [...baseFiles.keys()]));

  const inBase = new Set(base.map(idOf));
  const added = renderManifests([GPU_KUEUE_VALUES]).filter((m) => !inBase.has(idOf(m)));
  const gpuHeader =
    `# Generated from helm/xreason with ci/gpu-kueue-values.yaml (release "${RELEASE}" in namespace "${NAMESPACE}") by ${COMMAND}:\n` +
    '# the objects those values add to k8s/base. Do not edit.\n';
  for (const [name, text] of filesOf(added, gpuHeader)) files.set(`k8s/overlays/gpu-kueue/generated/${name}`, text);
  return files;
}

/** Writes every generated file and removes stale ones from the generated directories. */
export function writeK8sFiles(files = generateK8sFiles()) {
  for (const directory of GENERATED_DIRECTORIES) {
    const target = join(REPO, directory);
    mkdirSync(target, { recursive: true });
    for (const stale of readdirSync(target))
      if (stale.endsWith('.yaml') && !files.has(`${directory}/${stale}`)) rmSync(join(target, stale));
  }
  for (const [path, text] of files) {
    mkdirSync(dirname(join(REPO, path)), { recursive: true });
    writeFileSync(join(REPO, path), text);
  }
  return files;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const files = writeK8sFiles();
  for (const directory of GENERATED_DIRECTORIES) {
    const names = [...files.keys()].filter((p) => dirname(p) === directory).map((p) => basename(p));
    console.log(`wrote ${directory}: ${names.join(', ')}`);
  }
}
