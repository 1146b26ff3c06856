import { describe, expect, it } from 'vitest';
import { expectClose, runMethod } from './methods/method.test-helpers.js';
import { MERGE_METHODS } from './registry.js';

const tensor = [0.25, -1.5, 3, 0.001, -0.75, 2];

describe('merge method registry', () => {
  it('lists every mergekit method this issue covers, under mergekit names', () => {
    expect(MERGE_METHODS.names()).toEqual(
      expect.arrayContaining([
        'linear',
        'task_arithmetic',
        'ties',
        'dare_ties',
        'dare_linear',
        'slerp',
        'nuslerp',
        'breadcrumbs',
        'model_stock',
        'passthrough',
      ]),
    );
  });

  it('answers a misspelt method with a did-you-mean', () => {
    expect(() => MERGE_METHODS.get('dare_tie')).toThrow(/did you mean "dare_ties"/);
  });

  it.each(MERGE_METHODS.values().map((method) => [method.name, method] as const))(
    '%s: merging identical models returns them',
    (_, method) => {
      const models = Array.from({ length: method.name === 'passthrough' || method.name === 'slerp' ? 1 : 2 }, () => ({
        values: tensor,
        parameters: { weight: 0.5, density: 0.5 },
      }));
      const out = runMethod(method, {
        base: method.baseModel === 'unused' ? undefined : tensor,
        models,
        parameters: method.name === 'slerp' ? { t: 0.3 } : {},
      });
      expectClose(out, [...Float32Array.from(tensor)], 1e-6);
    },
  );

  it('every method names a reference and gives each parameter a schema and description', () => {
    for (const method of MERGE_METHODS.values()) {
      expect(method.referenceUrl, method.name).toMatch(/^https:\/\//);
      for (const definition of [...Object.values(method.parameters), ...Object.values(method.tensorParameters)]) {
        expect(definition.schema, method.name).toBeDefined();
        expect(definition.description.length, method.name).toBeGreaterThan(0);
      }
    }
  });
});
