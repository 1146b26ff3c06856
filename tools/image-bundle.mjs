#!/usr/bin/env node
// The files one service's container image needs, copied out of a built workspace:
//
//   node tools/image-bundle.mjs @xreason/trainer /out      # copy
//   node tools/image-bundle.mjs @xreason/trainer --list    # print what would be copied (JSON)
//
// The workspace packages the service depends on (dependencies, transitively; never devDependencies)
// with their package.json and build outputs (Nx's `build` outputs, `{projectRoot}/dist` by default —
// so the engine brings build/Release/engine.node), the npm packages they need at run time (resolved as
// Node resolves them, from each package's own directory upwards), and node_modules/@xreason/* links to
// those workspaces. Everything keeps its path relative to the repository root, so
// `node services/<name>/dist/main.js` runs from the output directory as it does from the checkout.
// Used by every services/*/Dockerfile in its build stage; the dev tools (TypeScript, Vitest, Nx, the
// other services' dependencies) never reach the image.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** name → directory (relative) of every workspace package. */
function workspaces() {
  const map = new Map();
  for (const pattern of readJson(join(root, 'package.json')).workspaces) {
    const parent = pattern.endsWith('/*') ? pattern.slice(0, -2) : undefined;
    const dirs = parent ? readdirSync(join(root, parent)).map((d) => `${parent}/${d}`) : [pattern];
    for (const dir of dirs) {
      const manifest = join(root, dir, 'package.json');
      if (existsSync(manifest)) map.set(readJson(manifest).name, dir);
    }
  }
  return map;
}

const runtimeDeps = (manifest) => ({
  ...manifest.dependencies,
  ...manifest.optionalDependencies,
  ...manifest.peerDependencies,
});

/** Node's lookup: <dir>/node_modules/<name>, then each parent's, up to the repository root. */
function resolvePackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

export function bundlePlan(serviceName) {
  const ws = workspaces();
  if (!ws.has(serviceName)) throw new Error(`${serviceName} is not a workspace package`);
  const workspaceDirs = new Map(); // name → dir
  const packages = new Set(); // node_modules/... directories (relative)
  const missing = [];
  const queue = [[serviceName, join(root, ws.get(serviceName))]];
  const seenDirs = new Set();
  while (queue.length > 0) {
    const [name, dir] = queue.shift();
    if (seenDirs.has(dir)) continue;
    seenDirs.add(dir);
    const manifest = readJson(join(dir, 'package.json'));
    if (ws.has(name) && join(root, ws.get(name)) === dir) workspaceDirs.set(name, ws.get(name));
    else packages.add(relative(root, dir));
    const optional = { ...manifest.optionalDependencies, ...manifest.peerDependencies };
    for (const dep of Object.keys(runtimeDeps(manifest))) {
      if (ws.has(dep)) {
        queue.push([dep, join(root, ws.get(dep))]);
        continue;
      }
      const found = resolvePackage(dep, dir);
      if (found) queue.push([dep, found]);
      else if (!(dep in optional)) missing.push(`${dep} (needed by ${name})`);
    }
  }
  if (missing.length > 0) throw new Error(`not installed: ${missing.join(', ')}; run npm install first`);
  const outputs = [];
  for (const dir of workspaceDirs.values()) {
    const manifest = readJson(join(root, dir, 'package.json'));
    const declared = manifest.nx?.targets?.build?.outputs ?? ['{projectRoot}/dist'];
    outputs.push(`${dir}/package.json`, ...declared.map((o) => o.replace('{projectRoot}', dir)));
  }
  return {
    service: serviceName,
    workspaces: Object.fromEntries([...workspaceDirs].sort()),
    packages: [...packages].sort(),
    files: outputs.sort(),
  };
}

function copyBundle(plan, out) {
  mkdirSync(out, { recursive: true });
  for (const dir of plan.packages) {
    // A package's own node_modules/ holds other packages: copied on their own if the plan needs them.
    const from = join(root, dir);
    const ownFiles = (src) => !relative(from, src).split('/').includes('node_modules');
    cpSync(from, join(out, dir), { recursive: true, dereference: false, filter: ownFiles });
  }
  for (const file of plan.files) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: build ${plan.service} first`);
    cpSync(join(root, file), join(out, file), { recursive: true });
  }
  for (const [name, dir] of Object.entries(plan.workspaces)) {
    const link = join(out, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), join(out, dir)), link);
  }
  const rootManifest = readJson(join(root, 'package.json'));
  writeFileSync(
    join(out, 'package.json'),
    `${JSON.stringify({ name: rootManifest.name, version: rootManifest.version, private: true, type: 'module' }, null, 2)}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [service, target] = process.argv.slice(2);
  if (!service || !target) {
    console.error('usage: node tools/image-bundle.mjs <workspace package> <out dir> | --list');
    process.exit(2);
  }
  const plan = bundlePlan(service);
  if (target === '--list') console.log(JSON.stringify(plan, null, 2));
  else {
    copyBundle(plan, resolve(target));
    console.error(
      `${service}: ${Object.keys(plan.workspaces).length} workspace packages, ${plan.packages.length} npm packages → ${target}`,
    );
  }
}
