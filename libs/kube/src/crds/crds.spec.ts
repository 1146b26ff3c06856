import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CRD_DIRECTORIES, customResourceDefinitions, renderCrdDirectory, renderCrdFiles } from './crds.js';

const root = resolve(import.meta.dirname, '../../../..');

describe('generated CRDs', () => {
  it.each(CRD_DIRECTORIES)(
    'the copy committed in %s matches a fresh generation (run `npm run generate:crds -w @xreason/kube`)',
    (dir) => {
      const fresh = renderCrdDirectory(dir);
      const committed = readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.yaml'))
        .sort();
      expect(committed).toEqual([...fresh.keys()].sort());
      for (const [name, text] of fresh)
        expect(readFileSync(join(root, dir, name), 'utf8'), `${dir}/${name}`).toBe(text);
    },
  );

  it('serve v1alpha1 with a status subresource and printer columns for phase and conditions', () => {
    const [run] = customResourceDefinitions() as {
      spec: { versions: { subresources: unknown; additionalPrinterColumns: { name: string }[] }[] };
    }[];
    const version = run?.spec.versions[0];
    expect(version?.subresources).toEqual({ status: {} });
    expect(version?.additionalPrinterColumns.map((c) => c.name)).toEqual([
      'Recipe',
      'Languages',
      'Phase',
      'Progressing',
      'Degraded',
      'Age',
    ]);
  });

  it('are structural: every schema node below the root has a type or preserves unknown fields', () => {
    const problems: string[] = [];
    const visit = (node: Record<string, unknown>, path: string) => {
      if (!('type' in node) && node['x-kubernetes-preserve-unknown-fields'] !== true) problems.push(path);
      for (const [k, child] of Object.entries((node.properties as Record<string, Record<string, unknown>>) ?? {}))
        visit(child, `${path}.${k}`);
      if (node.items) visit(node.items as Record<string, unknown>, `${path}[]`);
      if (typeof node.additionalProperties === 'object')
        visit(node.additionalProperties as Record<string, unknown>, `${path}{}`);
    };
    for (const [name, text] of renderCrdFiles()) visit(parse(text).spec.versions[0].schema.openAPIV3Schema, name);
    expect(problems).toEqual([]);
  });

  it('key the run conditions by type', () => {
    const [run] = customResourceDefinitions() as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const conditions = run?.spec.versions[0].schema.openAPIV3Schema.properties.status.properties.conditions;
    expect(conditions).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
  });
});
