import { describe, expect, it } from 'vitest';
import { runSpec } from '../specs.test-helpers.js';
import { compileRecipe, readyStages } from './compile-recipe.js';
import { DagError } from './stage-dag.js';

const shape = (spec: ReturnType<typeof runSpec>) =>
  compileRecipe(spec).stages.map((s) => `${s.name}<${s.dependsOn.join(',')}>`);

describe('compileRecipe', () => {
  it.each([
    [
      'budget-alignment without merge is one multilingual branch',
      {},
      ['data<>', 'sft<data>', 'grpo<sft>', 'eval<grpo>'],
    ],
    [
      'budget-alignment with merge fans out per language and joins at the merge',
      { merge: { method: 'linear' } },
      [
        'data<>',
        'sft-ja<data>',
        'grpo-ja<sft-ja>',
        'sft-fr<data>',
        'grpo-fr<sft-fr>',
        'merge<grpo-ja,grpo-fr>',
        'eval<merge>',
      ],
    ],
    [
      'qalign runs question translation before instruction tuning',
      { recipe: 'qalign' },
      [
        'data<>',
        'sft-question-translation<data>',
        'sft-instruction<sft-question-translation>',
        'eval<sft-instruction>',
      ],
    ],
    [
      'mindmerger runs the mapping stage before augmentation',
      { recipe: 'mindmerger' },
      ['data<>', 'mapping<data>', 'augmentation<mapping>', 'eval<augmentation>'],
    ],
    [
      'mid-align alternates in one contrastive stage',
      { recipe: 'mid-align' },
      ['data<>', 'contrastive<data>', 'eval<contrastive>'],
    ],
    ['merge merges then evaluates', { recipe: 'merge', merge: { method: 'linear' } }, ['merge<>', 'eval<merge>']],
    ['a run without evaluation has no eval stage', { evaluation: undefined }, ['data<>', 'sft<data>', 'grpo<sft>']],
  ])('%s', (_name, spec, expected) => {
    expect(shape(runSpec(spec))).toEqual(expected);
  });

  it('orders every stage after all of its dependencies', () => {
    for (const recipe of ['budget-alignment', 'qalign', 'mindmerger', 'mid-align', 'merge']) {
      const stages = compileRecipe(runSpec({ recipe, merge: { method: 'linear' } })).stages;
      stages.forEach((stage, i) => {
        for (const dep of stage.dependsOn) expect(stages.findIndex((s) => s.name === dep)).toBeLessThan(i);
      });
    }
  });

  it('gives per-language branches only their own language and maps kinds to services', () => {
    const stages = compileRecipe(runSpec({ merge: { method: 'linear' } })).stages;
    const sftJa = stages.find((s) => s.name === 'sft-ja');
    expect(sftJa).toMatchObject({ kind: 'sft', service: 'trainer', languages: ['ja'] });
    expect(stages.find((s) => s.name === 'merge')).toMatchObject({ service: 'merge', languages: ['ja', 'fr'] });
  });

  it.each([
    ['budget-alignment', { sft: undefined }, '/spec/sft'],
    ['budget-alignment', { grpo: undefined }, '/spec/grpo'],
    ['qalign', { sft: undefined }, '/spec/sft'],
    ['merge', {}, '/spec/merge'],
  ])('%s without a section it needs names the field (%j)', (recipe, spec, field) => {
    expect(() => compileRecipe(runSpec({ recipe, ...spec }))).toThrow(DagError);
    expect(() => compileRecipe(runSpec({ recipe, ...spec }))).toThrow(new RegExp(`^${field}:`));
  });
});

describe('readyStages', () => {
  it('releases a join only when every branch has succeeded', () => {
    const dag = compileRecipe(runSpec({ merge: { method: 'linear' } }));
    expect(readyStages(dag, new Set()).map((s) => s.name)).toEqual(['data']);
    expect(readyStages(dag, new Set(['data'])).map((s) => s.name)).toEqual(['sft-ja', 'sft-fr']);
    expect(readyStages(dag, new Set(['data', 'sft-ja', 'sft-fr', 'grpo-ja'])).map((s) => s.name)).toEqual(['grpo-fr']);
    expect(readyStages(dag, new Set(['data', 'sft-ja', 'sft-fr', 'grpo-ja', 'grpo-fr'])).map((s) => s.name)).toEqual([
      'merge',
    ]);
  });
});
