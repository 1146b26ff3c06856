// Builds and runs tools/helm-render (main.go: Helm's `helm template` on Go's text/template and sprig,
// built from Debian's packages in GOPATH mode). Shared by the chart check (test/chart.test-helpers.ts)
// and by generate-k8s.mjs, so both render the chart with the same binary.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../../..');
export const RENDERER_DIR = join(REPO, 'tools/helm-render');

/**
 * The packages the renderer is built from, with the path that shows each is installed
 * (debian-packages.txt, which .ci/run installs from too).
 */
export function requiredPackages() {
  return readFileSync(join(RENDERER_DIR, 'debian-packages.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => {
      const [name, path] = line.trim().split(/\s+/);
      return { name, path };
    });
}

let built;

/**
 * Builds tools/helm-render once per source version (cached under the OS temp dir, keyed by the source
 * and Go version) and returns the binary's path. No silent skip: without the toolchain this throws,
 * naming the packages.
 */
export function helmRenderBinary() {
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

/** A rendering the chart refuses (schema, `required`, `fail`, kubeVersion): helm-render's message. */
export class ChartRenderError extends Error {}

/** Runs helm-render with `args` (flags, then the chart directory); its stdout, or ChartRenderError. */
export function runHelmRender(args) {
  const result = spawnSync(helmRenderBinary(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new ChartRenderError(result.stderr.trim() || `helm-render exited ${result.status}`);
  return result.stdout;
}
