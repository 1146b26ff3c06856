import type { ParameterScalar } from '../config/parameter-setting.js';
import { streamFor } from '../tensor/seeded-random.js';
import type { MergeMethod, ParameterDefinitions, ResolvedParameters } from './merge-method.js';

export interface TinyModel {
  values: number[];
  parameters?: Record<string, ParameterScalar | undefined>;
}

function withDefaults(
  definitions: ParameterDefinitions,
  given: Record<string, ParameterScalar | undefined> = {},
): ResolvedParameters {
  const resolved: Record<string, ParameterScalar | undefined> = {};
  for (const [name, definition] of Object.entries(definitions)) resolved[name] = given[name] ?? definition.default;
  return resolved;
}

/** Runs a method on tiny tensors given as plain arrays, with defaults applied as the planner does. */
export function runMethod(
  method: MergeMethod,
  options: {
    base?: number[];
    models: TinyModel[];
    parameters?: Record<string, ParameterScalar | undefined>;
    shape?: number[];
    seed?: number;
  },
): number[] {
  const n = (options.base ?? options.models[0]?.values ?? []).length;
  const out = new Float32Array(n);
  method.merge({
    tensorName: 'model.layers.0.mlp.up_proj.weight',
    shape: options.shape ?? [n],
    base: options.base ? Float32Array.from(options.base) : undefined,
    models: options.models.map((m, i) => ({
      model: `m${i}`,
      values: Float32Array.from(m.values),
      parameters: withDefaults(method.tensorParameters, m.parameters),
    })),
    parameters: withDefaults(method.parameters, options.parameters),
    random: (k) => streamFor(options.seed ?? 1, 'model.layers.0.mlp.up_proj.weight', k),
    out,
  });
  return [...out];
}

/** float32 rounding of hand-computed expectations, so comparisons can be exact where the math is. */
export function f32(values: number[]): number[] {
  return [...Float32Array.from(values)];
}

/** Element-wise closeness with a message that shows both arrays. */
export function expectClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-6): void {
  const worst = Math.max(0, ...expected.map((e, i) => Math.abs((actual[i] ?? NaN) - e)));
  if (actual.length !== expected.length || !(worst <= tolerance)) {
    throw new Error(`expected ${JSON.stringify(expected)}\n     got ${JSON.stringify(actual)} (worst error ${worst})`);
  }
}
