import { SchemaValidationError } from '@xreason/contracts';
import { describe, expect, it } from 'vitest';
import { evaluateSetting } from './parameter-setting.js';
import { parseMergeConfig } from './parse-merge-config.js';

function problemsOf(yaml: string): { path: string; message: string }[] {
  try {
    parseMergeConfig(yaml);
  } catch (error) {
    if (error instanceof SchemaValidationError) return error.problems.map(({ path, message }) => ({ path, message }));
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('parseMergeConfig', () => {
  it('accepts a mergekit TIES config with per-model gradients and filters', () => {
    const { config, method } = parseMergeConfig(`
models:
  - model: ./base
  - model: ./sft-ja
    parameters:
      density: [1, 0.7, 0.1]
      weight:
        - filter: mlp
          value: 0.5
        - value: 1
  - model: ./sft-fr
    parameters: { density: 0.5, weight: 0.5 }
merge_method: ties
base_model: ./base
parameters:
  normalize: true
  int8_mask: true
dtype: bfloat16
tokenizer_source: base
`);
    expect(method.name).toBe('ties');
    expect(config.models).toHaveLength(3);
  });

  it.each([
    { name: 'a misspelt top-level key', yaml: 'merge_methd: linear\nmodels: [{model: a}]', path: '/merge_methd' },
    {
      name: 'an unknown method',
      yaml: 'merge_method: dare_tie\nmodels: [{model: a}]\nbase_model: a',
      path: '/merge_method',
      message: /did you mean "dare_ties"/,
    },
    {
      name: 'a density above 1',
      yaml: 'merge_method: ties\nbase_model: b\nmodels: [{model: b}, {model: a, parameters: {weight: 1, density: 1.5}}]',
      path: '/models/1/parameters/density',
      message: /fraction of the task vector kept/,
    },
    {
      name: 'a bad value inside a gradient',
      yaml: 'merge_method: slerp\nbase_model: b\nmodels: [{model: b}, {model: a}]\nparameters: {t: [0, 0.5, 2]}',
      path: '/parameters/t/2',
    },
    {
      name: 'a bad value inside a filter list',
      yaml: 'merge_method: slerp\nbase_model: b\nmodels: [{model: b}, {model: a}]\nparameters:\n  t:\n    - {filter: mlp, value: yes}\n    - {value: 0.5}',
      path: '/parameters/t/0/value',
    },
    {
      name: 'a merge-wide parameter set on one model',
      yaml: 'merge_method: ties\nbase_model: b\nmodels: [{model: b}, {model: a, parameters: {weight: 1, normalize: false}}]',
      path: '/models/1/parameters/normalize',
      message: /applies to the whole merge/,
    },
    {
      name: 'a parameter the method lacks',
      yaml: 'merge_method: linear\nmodels: [{model: a, parameters: {weight: 1, density: 0.5}}]',
      path: '/models/0/parameters/density',
    },
    {
      name: 'slerp without base_model',
      yaml: 'merge_method: slerp\nmodels: [{model: a}, {model: b}]\nparameters: {t: 0.5}',
      path: '/base_model',
    },
    {
      name: 'slerp with three models',
      yaml: 'merge_method: slerp\nbase_model: a\nmodels: [{model: a}, {model: b}, {model: c}]\nparameters: {t: 0.5}',
      path: '/models',
      message: /exactly one other model/,
    },
    {
      name: 'both models and slices',
      yaml: 'merge_method: linear\nmodels: [{model: a}]\nslices: [{sources: [{model: a, layer_range: [0, 2]}]}]',
      path: '',
    },
    {
      name: 'slice sources of different lengths',
      yaml: 'merge_method: linear\nslices:\n  - sources:\n      - {model: a, layer_range: [0, 4]}\n      - {model: b, layer_range: [0, 3]}',
      path: '/slices/0/sources/1/layer_range',
    },
    {
      name: 'an empty layer range',
      yaml: 'merge_method: passthrough\nslices:\n  - sources:\n      - {model: a, layer_range: [4, 4]}',
      path: '/slices/0/sources/0/layer_range',
    },
    {
      name: 'an unknown dtype',
      yaml: 'merge_method: linear\nmodels: [{model: a, parameters: {weight: 1}}]\ndtype: float8',
      path: '/dtype',
    },
    {
      name: 'the union tokenizer',
      yaml: 'merge_method: linear\nmodels: [{model: a, parameters: {weight: 1}}]\ntokenizer_source: union',
      path: '/tokenizer_source',
    },
    {
      name: 'linear with a base model it would ignore',
      yaml: 'merge_method: linear\nbase_model: c\nmodels: [{model: a, parameters: {weight: 1}}]',
      path: '/base_model',
    },
  ])('refuses $name, naming the key', ({ yaml, path, message }) => {
    const problems = problemsOf(yaml);
    const problem = problems.find((p) => p.path === path);
    expect(problem, JSON.stringify(problems)).toBeDefined();
    if (message) expect(problem?.message).toMatch(message);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(
      'merge_method: ties\nbase_model: b\nmodels: [{model: b}, {model: a, parameters: {weight: x, density: 2}}]',
    );
    expect(problems.map((p) => p.path).sort()).toEqual(['/models/1/parameters/density', '/models/1/parameters/weight']);
  });

  it('reports a YAML syntax error with its line', () => {
    expect(() => parseMergeConfig('merge_method: linear\nmodels:\n  - model: [a\n')).toThrow(/line \d+/);
  });
});

describe('evaluateSetting', () => {
  it.each([
    { setting: 0.3, t: 0.9, expected: 0.3 },
    { setting: [0, 1], t: 0.25, expected: 0.25 },
    { setting: [0, 0.5, 0.3, 0.7, 1], t: 0.5, expected: 0.3 }, // exactly on the middle anchor
    { setting: [0, 0.5, 0.3, 0.7, 1], t: 0.625, expected: 0.5 }, // halfway between 0.3 and 0.7
    { setting: [0, 0.5, 0.3, 0.7, 1], t: 1, expected: 1 },
    { setting: [1, 0], t: 0, expected: 1 },
  ])('a gradient $setting at t = $t is $expected', ({ setting, t, expected }) => {
    expect(evaluateSetting('model.layers.3.mlp.up_proj.weight', setting, t)).toBeCloseTo(expected, 12);
  });

  const filtered = [{ filter: 'self_attn', value: [0, 1] }, { filter: 'mlp', value: 0.9 }, { value: 0.5 }];
  it.each([
    { tensor: 'model.layers.1.self_attn.q_proj.weight', expected: 0.5 },
    { tensor: 'model.layers.1.mlp.up_proj.weight', expected: 0.9 },
    { tensor: 'model.norm.weight', expected: 0.5 },
  ])('the first filter contained in $tensor wins', ({ tensor, expected }) => {
    expect(evaluateSetting(tensor, filtered, 0.5)).toBe(expected);
  });

  it('without a catch-all, a tensor no filter matches has no value', () => {
    expect(evaluateSetting('model.norm.weight', [{ filter: 'mlp', value: 1 }], 0)).toBeUndefined();
  });
});
