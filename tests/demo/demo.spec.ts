import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { xreason } from '../cli/run-cli.js';

/**
 * The main job, end to end and small: the local platform, the tiny base model, a budget-alignment run
 * through every stage (data-prep → SFT per language → GRPO over Kafka → merge → eval), and the
 * evaluation of every model (base, SFT, GRPO, merge) into report.json and report.html. `--quick` cuts
 * the sizes to the minimum that still exercises every stage; its numbers mean nothing, the shape does.
 */
describe('xreason demo', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'xreason-demo-'));
  chmodSync(stateDir, 0o755); // as root, embedded Postgres runs as the postgres user
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it(
    'runs budget-alignment through every stage on the tiny model and reports every model per language',
    async () => {
      const out = join(stateDir, 'report');
      const run = await xreason([
        'demo',
        '--quick',
        '--state-dir',
        stateDir,
        '--out',
        out,
        '--languages',
        'ja,fr',
        '--timeout',
        '10',
      ]);
      if (run.code !== 0) console.error(run.stderr.slice(-4000));
      expect(run.code).toBe(0);
      for (const stage of ['data', 'sft-ja', 'sft-fr', 'grpo-ja', 'grpo-fr', 'merge', 'eval']) {
        expect(run.stderr).toMatch(new RegExp(`${stage}\\s+Succeeded`));
      }
      // report.json: one row per language and stage, each a fraction, the stages in pipeline order
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
        rows: { model: string; stage: string; language: string; 'pass@1': number; language_consistency: number }[];
        comparisons: {
          language: string;
          metric: 'pass@1' | 'language_consistency';
          from: string;
          to: string;
          before: number;
          after: number;
          pValue: number;
          adjustedPValue: number;
        }[];
      };
      for (const language of ['fr', 'ja']) {
        const rows = report.rows.filter((r) => r.language === language);
        expect(rows.map((r) => r.stage)).toEqual(['base', 'sft', 'grpo', 'merge']);
        expect(rows.map((r) => r.model)).toEqual(['base', `sft-${language}`, `grpo-${language}`, 'merge']);
        for (const r of rows) {
          expect(r['pass@1']).toBeGreaterThanOrEqual(0);
          expect(r['pass@1']).toBeLessThanOrEqual(1);
          expect(r.language_consistency).toBeGreaterThanOrEqual(0);
          expect(r.language_consistency).toBeLessThanOrEqual(1);
        }
        // the claims, tested on the same samples the rows were computed from
        const claims = report.comparisons.filter((c) => c.language === language);
        expect(claims.map((c) => `${c.from}→${c.to} ${c.metric}`)).toEqual([
          'base→sft language_consistency',
          'sft→grpo pass@1',
        ]);
        const row = (stage: string) => rows.find((r) => r.stage === stage)!;
        for (const c of claims) {
          expect(c.before).toBeCloseTo(row(c.from)[c.metric], 9);
          expect(c.after).toBeCloseTo(row(c.to)[c.metric], 9);
          expect(c.adjustedPValue).toBeGreaterThanOrEqual(c.pValue);
          expect(c.adjustedPValue).toBeLessThanOrEqual(1);
        }
      }
      expect(run.stdout).toMatch(/ja\s+sft → grpo\s+pass@1\s+[+-]\d+\.\d pts\s+p = /);
      expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<svg[\s\S]*sft-ja[\s\S]*<\/svg>/);
      expect(run.stdout).toMatch(/ja\s+merge\s+\d+\.\d%/);
      const name = /run (demo-\d+) succeeded/.exec(run.stderr)?.[1];
      expect(name).toBeDefined();
      const grpoSteps = join(stateDir, 'artifacts', 'default', name!, 'grpo-ja', 'grpo', 'steps.jsonl');
      expect(existsSync(grpoSteps)).toBe(true);
      expect(readFileSync(grpoSteps, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(2);
    },
    15 * 60_000,
  );
});
