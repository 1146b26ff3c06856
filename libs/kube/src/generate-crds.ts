#!/usr/bin/env node
// Writes the generated CRDs to every directory that ships them (k8s/crds, helm/xreason/crds), and
// k8s/crds/kustomization.yaml.
// `crds.spec.ts` fails when a committed copy differs from a fresh generation.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CRD_DIRECTORIES, renderCrdDirectory } from './crds/crds.js';
import { RBAC_FILES } from './crds/operator-rbac.js';

const root = resolve(import.meta.dirname, '../../..');
for (const directory of CRD_DIRECTORIES) {
  const files = renderCrdDirectory(directory);
  const target = join(root, directory);
  mkdirSync(target, { recursive: true });
  for (const stale of readdirSync(target))
    if (stale.endsWith('.yaml') && !files.has(stale)) rmSync(join(target, stale));
  for (const [name, text] of files) writeFileSync(join(target, name), text);
  console.log(`wrote ${[...files.keys()].join(', ')} to ${directory}`);
}

const header =
  '# Generated from libs/kube/src/crds/operator-rbac.ts by `npm run generate:crds -w @xreason/kube`. Do not edit.\n';
mkdirSync(join(root, 'helm/xreason/files'), { recursive: true });
for (const [name, text] of RBAC_FILES) writeFileSync(join(root, 'helm/xreason/files', name), header + text);
console.log(`wrote ${RBAC_FILES.size} RBAC rule files to helm/xreason/files`);
