import { describe, expect, it } from 'vitest';
import { AlignmentRunSchema } from './alignment-run.types.js';
import { toStructuralSchema } from './crd-schema.js';
import { EvalScheduleSchema } from './eval-schedule.types.js';

type Node = Record<string, unknown>;

/** Walks a schema and collects violations of the Kubernetes structural-schema rules we rely on. */
function structuralViolations(node: Node, path = '#'): string[] {
  const violations: string[] = [];
  if (!('type' in node) && node['x-kubernetes-preserve-unknown-fields'] !== true) violations.push(`${path}: no type`);
  for (const forbidden of ['anyOf', 'oneOf', 'allOf', 'const', '$id', 'uniqueItems']) {
    if (forbidden in node) violations.push(`${path}: ${forbidden}`);
  }
  if (node.additionalProperties === false) violations.push(`${path}: additionalProperties false`);
  for (const exclusive of ['exclusiveMinimum', 'exclusiveMaximum']) {
    if (exclusive in node && typeof node[exclusive] !== 'boolean')
      violations.push(`${path}: ${exclusive} not a boolean`);
  }
  if (node.properties && node.additionalProperties) violations.push(`${path}: properties with additionalProperties`);
  for (const [key, child] of Object.entries((node.properties as Record<string, Node>) ?? {})) {
    violations.push(...structuralViolations(child, `${path}/${key}`));
  }
  if (typeof node.additionalProperties === 'object')
    violations.push(...structuralViolations(node.additionalProperties as Node, `${path}/*`));
  if (node.items) violations.push(...structuralViolations(node.items as Node, `${path}[]`));
  return violations;
}

describe('toStructuralSchema', () => {
  it.each([
    ['AlignmentRun', AlignmentRunSchema],
    ['EvalSchedule', EvalScheduleSchema],
  ])('makes the %s schema structural', (_kind, schema) => {
    const structural = toStructuralSchema(schema);
    expect(structuralViolations(structural)).toEqual([]);
  });

  it('turns unions of string literals into enums and keeps defaults', () => {
    const spec = (toStructuralSchema(AlignmentRunSchema).properties as Record<string, Node>).spec as Node;
    const recipe = (spec.properties as Record<string, Node>).recipe;
    expect(recipe).toMatchObject({
      type: 'string',
      enum: ['budget-alignment', 'qalign', 'mindmerger', 'mid-align', 'merge'],
    });
    const grpo = (spec.properties as Record<string, Node>).grpo as Node;
    expect((grpo.properties as Record<string, Node>).epsilonHigh).toMatchObject({ type: 'number', default: 0.28 });
  });

  it('flattens the composite used for EvalSchedule models', () => {
    const spec = (toStructuralSchema(EvalScheduleSchema).properties as Record<string, Node>).spec as Node;
    const model = ((spec.properties as Record<string, Node>).models as Node).items as Node;
    expect(Object.keys(model.properties as object).sort()).toEqual(['adapter', 'name', 'uri']);
    expect(model.required).toEqual(expect.arrayContaining(['name', 'uri']));
  });

  it('writes exclusive bounds as OpenAPI 3.0 does: the bound in minimum/maximum, exclusiveMinimum a boolean', () => {
    const spec = (toStructuralSchema(AlignmentRunSchema).properties as Record<string, Node>).spec as Node;
    const sft = (spec.properties as Record<string, Node>).sft as Node;
    expect((sft.properties as Record<string, Node>).learningRate).toEqual({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
    });
  });
});
