import { existsSync, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifests, type AlignmentRunSpec } from '@xreason/contracts';
import { compileRecipe } from '@xreason/orchestration';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { CHART, REPO, renderChart, type KubeObject } from './chart.test-helpers.js';
import {
  consistencyProblems,
  imageProblems,
  labelProblems,
  podSecurityProblems,
  schemaProblems,
} from './chart-checks.test-helpers.js';
import { kubernetesSchemaErrors, type CustomResourceDefinition } from './kube-schemas.test-helpers.js';

// docs/deploy.md and examples/ say what a user types; these tests hold them to the CRDs, the chart
// and the recipe compiler, so the documentation cannot drift from what the cluster would accept.
const DOC = readFileSync(join(REPO, 'docs/deploy.md'), 'utf8');
const CRDS = readdirSync(join(CHART, 'crds')).map(
  (f) => parse(readFileSync(join(CHART, 'crds', f), 'utf8')) as CustomResourceDefinition,
);
const EXAMPLES = readdirSync(join(REPO, 'examples')).filter((f) => f.endsWith('.yaml'));
const CLUSTER_EXAMPLE = 'examples/cluster-budget-alignment.yaml';

function codeBlocks(language: string): string[] {
  return [...DOC.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

const objectsIn = (text: string) => parseAllDocuments(text).map((d) => d.toJSON() as KubeObject);

describe('examples/ manifests', () => {
  it.each(EXAMPLES)('%s validates against the CRD schema and the contracts', async (file) => {
    const text = readFileSync(join(REPO, 'examples', file), 'utf8');
    for (const object of objectsIn(text)) expect(await kubernetesSchemaErrors(object, CRDS)).toEqual([]);
    expect(() => parseManifests(text, file)).not.toThrow();
  });

  it('the cluster example compiles into the stages docs/deploy.md lists, with the GPUs it describes', () => {
    const [run] = parseManifests(readFileSync(join(REPO, CLUSTER_EXAMPLE), 'utf8'), CLUSTER_EXAMPLE);
    const spec = (run as { spec: AlignmentRunSpec }).spec;
    const stages = compileRecipe(spec).stages.map((s) => s.name);
    expect(stages).toEqual(['data', 'sft-ja', 'grpo-ja', 'sft-fr', 'grpo-fr', 'sft-es', 'grpo-es', 'merge', 'eval']);
    expect(DOC).toContain('`data`, then `sft-<lang>` → `grpo-<lang>` for each language, `merge`, `eval`');
    expect((spec.resources as Record<string, unknown>).grpo).toMatchObject({ gpus: 4, nodes: 2 });
    expect(DOC).toContain(`[\`${CLUSTER_EXAMPLE}\`](../${CLUSTER_EXAMPLE})`);
  });

  it('the CRD schema refuses a misspelt field and a bound the spec forbids, naming them', async () => {
    const [object] = objectsIn(readFileSync(join(REPO, CLUSTER_EXAMPLE), 'utf8'));
    const broken = structuredClone(object!) as KubeObject & { spec: { sft: Record<string, unknown> } };
    broken.spec.sft.learningrate = 1e-5;
    broken.spec.sft.learningRate = 0;
    expect(await kubernetesSchemaErrors(broken, CRDS)).toEqual([
      'AlignmentRun/qwen7b-ja-fr-es/spec/sft/learningRate: must be > 0',
      'AlignmentRun/qwen7b-ja-fr-es/spec/sft/learningrate: unknown field "learningrate"',
    ]);
  });
});

describe('docs/deploy.md', () => {
  it('its values file renders a chart that passes every chart check', async () => {
    const values = codeBlocks('yaml').filter((b) => b.startsWith('# my-values.yaml'));
    expect(values).toHaveLength(1);
    const dir = mkdtempSync(join(tmpdir(), 'xreason-doc-values-'));
    try {
      const file = join(dir, 'my-values.yaml');
      writeFileSync(file, values[0]!);
      const rendered = renderChart({ values: [file], releaseName: 'xreason', namespace: 'xreason-system' });
      expect(await schemaProblems(rendered)).toEqual([]);
      expect(labelProblems(rendered, 'xreason')).toEqual([]);
      expect(podSecurityProblems(rendered)).toEqual([]);
      expect(imageProblems(rendered)).toEqual([]);
      expect(consistencyProblems(rendered)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every path its commands apply or build from exists', () => {
    const paths = codeBlocks('sh').flatMap((block) =>
      [...block.matchAll(/(?:-f|-k|install \S+|template \S+)\s+((?:helm|k8s|examples|services)\/[^\s'"$]*)/g)].map(
        (m) => m[1]!,
      ),
    );
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths) expect(existsSync(join(REPO, path.replace('$service', 'trainer'))), path).toBe(true);
  });

  it('names every values key it documents as they are in values.yaml', () => {
    const defaults = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const keys = [
      ...DOC.matchAll(
        /`((?:image|operator|kafka|postgres|triton|stages|api|networkPolicy|serviceMonitor)\.[\w.{},]+)`/g,
      ),
    ]
      .map((m) => m[1]!)
      .flatMap((k) => {
        const braces = /^(.*)\.\{(.+)\}$/.exec(k);
        return braces ? braces[2]!.split(',').map((leaf) => `${braces[1]}.${leaf}`) : [k];
      });
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) {
      const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], defaults);
      expect(value, key).not.toBeUndefined();
    }
  });
});
