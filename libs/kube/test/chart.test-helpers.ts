import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

export const REPO = resolve(import.meta.dirname, '../../..');
export const CHART = join(REPO, 'helm/xreason');
const RENDERER_DIR = join(REPO, 'tools/helm-render');

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

export class ChartRenderError extends Error {}

/**
 * The packages the renderer is built from, with the path that shows each is installed
 * (tools/helm-render/debian-packages.txt, which .ci/run installs from too).
 */
function requiredPackages(): { name: string; path: string }[] {
  return readFileSync(join(RENDERER_DIR, 'debian-packages.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => {
      const [name, path] = line.trim().split(/\s+/);
      return { name: name!, path: path! };
    });
}

let built: string | undefined;

/**
 * Builds tools/helm-render once per source version (cached under the OS temp dir, keyed by the
 * source and Go version). No silent skip: without the toolchain this throws, naming the packages.
 */
export function helmRenderBinary(): string {
  if (built) return built;
  const missing = requiredPackages().filter((p) => !existsSync(p.path));
  if (missing.length > 0) {
    const names = missing.map((p) => p.name).join(' ');
    throw new Error(
      `The Helm chart check renders helm/xreason with tools/helm-render, built from Debian's Go packages, ` +
        `and these are missing: ${names}. Install them with: apt-get install -y ${names} ` +
        `(.ci/run does this when it runs as root).`,
    );
  }
  const source = readFileSync(join(RENDERER_DIR, 'main.go'));
  const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout ?? '';
  const key = createHash('sha256').update(source).update(goVersion).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'xreason-helm-render');
  const binary = join(dir, `helm-render-${key}`);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${binary}.${process.pid}.tmp`;
    const result = spawnSync('go', ['build', '-o', partial, 'main.go'], {
      cwd: RENDERER_DIR,
      encoding: 'utf8',
      env: {
        ...process.env,
        // GOPATH mode against Debian's library tree: no module proxy is reachable here.
        GO111MODULE: 'off',
        GOPATH: '/usr/share/gocode',
        GOFLAGS: '',
        GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'xreason-go-build'),
      },
    });
    if (result.status !== 0) {
      throw new Error(`go build tools/helm-render failed:\n${result.stderr}${result.error?.message ?? ''}`);
    }
    renameSync(partial, binary); // atomic: a concurrent build of the same key writes the same bytes
  }
  built = binary;
  return binary;
}

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
  const binary = helmRenderBinary();
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
    const result = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) throw new ChartRenderError(result.stderr.trim() || `helm-render exited ${result.status}`);
    return JSON.parse(result.stdout) as RenderedChart;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** helm-render's `helm template`-style text output, for golden comparisons. */
export function renderChartText(chart: string, args: readonly string[] = []): string {
  const result = spawnSync(helmRenderBinary(), [...args, chart], { encoding: 'utf8' });
  if (result.status !== 0) throw new ChartRenderError(result.stderr.trim());
  return result.stdout;
}
