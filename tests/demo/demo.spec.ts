import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xreason } from '../cli/run-cli.js';

/**
 * The main job, end to end and small: the local platform, the tiny base model, a budget-alignment run
 * through every stage (data-prep → SFT per language → GRPO over Kafka → merge → eval), and the
 * evaluation table. Sizes are cut to the minimum that still exercises every stage.
 */
describe('xreason demo', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'xreason-demo-'));
  chmodSync(stateDir, 0o755); // as root, embedded Postgres runs as the postgres user
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it(
    'runs budget-alignment through every stage on the tiny model and prints the evaluation',
    async () => {
      const run = await xreason([
        'demo',
        '--state-dir',
        stateDir,
        '--languages',
        'ja,fr',
        '--problems',
        '16',
        '--epochs',
        '1',
        '--grpo-steps',
        '2',
        '--timeout',
        '10',
      ]);
      if (run.code !== 0) console.error(run.stderr.slice(-4000));
      expect(run.code).toBe(0);
      for (const stage of ['data', 'sft-ja', 'sft-fr', 'grpo-ja', 'grpo-fr', 'merge', 'eval']) {
        expect(run.stderr).toMatch(new RegExp(`${stage}\\s+Succeeded`));
      }
      expect(run.stdout).toMatch(/evaluation on world/);
      expect(run.stdout).toMatch(/\bja\b[\s\S]*\bfr\b/);
      const name = /run (demo-\d+) succeeded/.exec(run.stdout)?.[1];
      expect(name).toBeDefined();
      const grpoSteps = join(stateDir, 'artifacts', 'default', name!, 'grpo-ja', 'grpo', 'steps.jsonl');
      expect(existsSync(grpoSteps)).toBe(true);
      expect(readFileSync(grpoSteps, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(2);
    },
    15 * 60_000,
  );
});
