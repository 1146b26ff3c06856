import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The contract-honouring stand-in worker every fixture service runs. */
export const FIXTURE_WORKER = resolve(import.meta.dirname, '../../test/fixtures/stage-worker.mjs');

/**
 * A services directory whose `<service>/dist/main.js` runs the fixture worker, for the given services
 * (leave one out to see how a missing build is reported).
 */
export async function makeFixtureServices(
  dir: string,
  services: readonly string[] = ['data-prep', 'trainer', 'merge', 'eval'],
): Promise<string> {
  for (const service of services) {
    await mkdir(join(dir, service, 'dist'), { recursive: true });
    await writeFile(join(dir, service, 'dist', 'main.js'), `import ${JSON.stringify(FIXTURE_WORKER)};\n`);
  }
  return dir;
}

/** A fresh state dir, 0755 so that Postgres run as the `postgres` user (tests as root) can reach inside. */
export async function makeStateDir(prefix = 'xreason-orch-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  await chmod(path, 0o755);
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function waitUntil<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
