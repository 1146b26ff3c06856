import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('the rollout worker process', () => {
  it('exits 64 naming what is missing when started without its configuration', () => {
    const env = { ...process.env };
    delete env.KAFKA_BROKERS;
    delete env.XREASON_GRPO_STAGE_DIR;
    for (const name of Object.keys(env)) if (name.startsWith('XREASON_')) delete env[name];
    const result = spawnSync(process.execPath, [main], { env, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/KAFKA_BROKERS|XREASON_/);
  });
});
