import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// Helm validates values against values.schema.json (JSON Schema draft-07) before rendering; this
// does the same check with Ajv. The rendered templates are checked in helm-chart.spec.ts.
const chart = resolve(import.meta.dirname, '../../../helm/xreason');
const schema = JSON.parse(readFileSync(resolve(chart, 'values.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const defaults = parse(readFileSync(resolve(chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;

function merged(overrides: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(defaults);
  const deep = (target: Record<string, unknown>, source: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(source)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object')
        deep(target[k] as Record<string, unknown>, v as Record<string, unknown>);
      else target[k] = v;
    }
  };
  deep(out, overrides);
  return out;
}

describe('helm/xreason values', () => {
  it.each([
    ['values.yaml', {}],
    [
      'ci/gpu-kueue-values.yaml',
      parse(readFileSync(resolve(chart, 'ci/gpu-kueue-values.yaml'), 'utf8')) as Record<string, unknown>,
    ],
  ])('%s satisfies values.schema.json', (_name, overrides) => {
    expect(validate(merged(overrides)), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['an unknown top-level key', { kafak: {} }],
    ['an unknown nested key', { stages: { kueue: { queue: 'x' } } }],
    ['a password in values instead of a Secret reference', { postgres: { password: 'hunter2' } }],
    ['a Triton URL without a scheme', { triton: { url: 'triton:8000' } }],
  ])('rejects %s', (_name, overrides) => {
    expect(validate(merged(overrides))).toBe(false);
  });
});
