import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
// The renderer's build and invocation are shared with scripts/generate-k8s.mjs.
import { ChartRenderError, helmRenderBinary, runHelmRender } from '../scripts/helm-render.mjs';

export const REPO = resolve(import.meta.dirname, '../../..');
export const CHART = join(REPO, 'helm/xreason');

/** One rendered document, as tools/helm-render reports it. */
export interface RenderedManifest {
  readonly source: string;
  readonly kind: string;
  readonly name: string;
  readonly hook?: string;
  readonly content: string;
  readonly object: KubeObject;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RenderedChart {
  readonly chart: { name: string; version: string; appVersion: string };
  readonly values: Record<string, unknown>;
  readonly crds: readonly RenderedManifest[];
  readonly manifests: readonly RenderedManifest[];
  readonly hooks: readonly RenderedManifest[];
  readonly notes: string;
}

export { ChartRenderError, helmRenderBinary };

export interface RenderOptions {
  /** Values files (paths) and/or value objects, merged over values.yaml in order. */
  readonly values?: readonly (string | Record<string, unknown>)[];
  readonly releaseName?: string;
  readonly namespace?: string;
  readonly kubeVersion?: string;
  readonly chart?: string;
}

/** `helm template --include-crds` of the chart, as objects; a rendering error throws ChartRenderError. */
export function renderChart(options: RenderOptions = {}): RenderedChart {
  helmRenderBinary(); // a missing toolchain is named before anything else
  const scratch = mkdtempSync(join(tmpdir(), 'xreason-values-'));
  try {
    const args = [
      '--output',
      'json',
      '--include-crds',
      '--release-name',
      options.releaseName ?? 'xreason',
      '--namespace',
      options.namespace ?? 'xreason-system',
    ];
    if (options.kubeVersion) args.push('--kube-version', options.kubeVersion);
    (options.values ?? []).forEach((v, i) => {
      if (typeof v === 'string') args.push('-f', v);
      else {
        const file = join(scratch, `values-${i}.yaml`);
        writeFileSync(file, stringify(v));
        args.push('-f', file);
      }
    });
    args.push(options.chart ?? CHART);
    return JSON.parse(runHelmRender(args)) as RenderedChart;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** helm-render's `helm template`-style text output, for golden comparisons. */
export function renderChartText(chart: string, args: readonly string[] = []): string {
  return runHelmRender([...args, chart]);
}
