import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const cleanEnv = () => {
  const env = { ...process.env };
  delete env.KAFKA_BROKERS;
  delete env.PORT;
  for (const name of Object.keys(env)) if (name.startsWith('XREASON_')) delete env[name];
  return env;
};

describe('the rollout worker process', () => {
  it('exits 64 naming what is missing when started without its configuration', () => {
    const result = spawnSync(process.execPath, [main], { env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/KAFKA_BROKERS|XREASON_/);
  });

  it('serves its probes at once: live, not ready until its run exists; SIGTERM stops it with exit 0', async () => {
    const stageDir = mkdtempSync(join(tmpdir(), 'xreason-rollout-'));
    const child = spawn(process.execPath, [main], {
      env: {
        ...cleanEnv(),
        KAFKA_BROKERS: '127.0.0.1:1', // never dialled: the run's run.json does not exist yet
        XREASON_GRPO_STAGE_DIR: stageDir,
        PORT: '0',
        XREASON_HTTP_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no url in:\n${output}`)), 30_000);
        child.stdout.on('data', () => {
          const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!.replace('[::1]', '127.0.0.1'));
          }
        });
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(JSON.stringify(await ready.json())).toContain("waiting for the run's run.json");
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
      const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(stageDir, { recursive: true, force: true });
    }
  }, 60_000);
});
