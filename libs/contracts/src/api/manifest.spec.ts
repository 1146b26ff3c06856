import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaValidationError } from '../validation.js';
import { parseManifests } from './manifest.js';

const examplesDir = join(import.meta.dirname, '../../../../examples');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof SchemaValidationError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a SchemaValidationError');
}

describe('parseManifests', () => {
  it.each(readdirSync(examplesDir).filter((f) => f.endsWith('.yaml')))('accepts the shipped example %s', (file) => {
    const resources = parseManifests(readFileSync(join(examplesDir, file), 'utf8'), file);
    expect(resources.length).toBeGreaterThan(0);
  });

  it('fills schema defaults, such as the published GRPO clip range and reward weights', () => {
    const [run] = parseManifests(readFileSync(join(examplesDir, 'budget-alignment.yaml'), 'utf8'));
    expect(run?.kind).toBe('AlignmentRun');
    if (run?.kind !== 'AlignmentRun') return;
    expect(run.spec.grpo).toMatchObject({
      epsilonLow: 0.2,
      epsilonHigh: 0.28,
      klCoefficient: 0,
      lossAggregation: 'dr_grpo',
    });
    expect(run.spec.maxRetries).toBe(2);
  });

  it('names every bad field of every document at once', () => {
    const text = `
apiVersion: xreason.io/v1alpha1
kind: AlignmentRun
metadata: { name: Bad_Name }
spec:
  recipe: budget-alignmnet
  baseModel: { uri: /m }
  languages: [ja, xx]
---
apiVersion: xreason.io/v1alpha1
kind: EvalSchedule
metadata: { name: ok }
spec:
  schedule: nightly
  models: [{ name: a, uri: /m }]
  languages: [fr]
  evaluation: { suites: [mgsm] }
  typo: 1
`;
    const problems = problemsOf(() => parseManifests(text, 'run.yaml'));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^document 1\/metadata\/name: /),
        expect.stringMatching(/^document 1\/spec\/recipe: /),
        expect.stringMatching(/^document 1\/spec\/languages\/1: /),
        expect.stringMatching(/^document 2\/spec\/schedule: /),
        expect.stringMatching(/^document 2\/spec\/typo: /),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('reports YAML syntax errors and unknown kinds instead of throwing raw parser errors', () => {
    expect(problemsOf(() => parseManifests('kind: [unclosed', 'x.yaml'))[0]).toMatch(/YAML/);
    expect(problemsOf(() => parseManifests('kind: Deployment\n', 'x.yaml'))[0]).toMatch(
      /^\/kind: expected one of AlignmentRun, EvalSchedule/,
    );
  });
});
