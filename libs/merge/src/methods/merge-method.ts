import type { Named } from '@xreason/contracts';
import type { TSchema } from '@sinclair/typebox';
import type { ParameterScalar } from '../config/parameter-setting.js';

/** One parameter a method reads: its schema (checked when the config is parsed) and its default. */
export interface ParameterDefinition {
  schema: TSchema;
  /** Absent and not required: the method sees `undefined`. */
  default?: ParameterScalar;
  required?: boolean;
  description: string;
}

export type ParameterDefinitions = Readonly<Record<string, ParameterDefinition>>;

export type ResolvedParameters = Readonly<Record<string, ParameterScalar | undefined>>;

/** How a method uses `base_model`. */
export type BaseModelUse = 'required' | 'optional' | 'unused';

/** One input model's tensor (widened to float32) and its per-tensor parameters. */
export interface MethodModelInput {
  /** The model reference as written in the config, for error messages. */
  model: string;
  /** The method may overwrite it (the executor hands out scratch copies). */
  values: Float32Array;
  parameters: ResolvedParameters;
}

export interface MethodInput {
  tensorName: string;
  shape: readonly number[];
  /** The base model's tensor, when the method uses a base and the config names one. Read-only. */
  base: Float32Array | undefined;
  /** The other models, in config order (the base excluded when the method uses a base). */
  models: readonly MethodModelInput[];
  /** Merge-wide parameters (global or slice), resolved for this tensor. */
  parameters: ResolvedParameters;
  /** Uniform [0, 1), seeded per tensor and model: index = position in `models`. */
  random: (modelIndex: number) => () => number;
  /** Where to write the result (same length as every input). */
  out: Float32Array;
}

export interface MergeMethod extends Named {
  /** mergekit's `merge_method` value. */
  readonly name: string;
  readonly prettyName: string;
  /** The paper or page that defines the method. */
  readonly referenceUrl: string;
  readonly baseModel: BaseModelUse;
  /** Read once per tensor from the slice or global `parameters`. */
  readonly parameters: ParameterDefinitions;
  /** Read per model per tensor (model, slice or global `parameters`). */
  readonly tensorParameters: ParameterDefinitions;
  /** Input-count rules beyond the base (e.g. SLERP takes exactly two models); message when broken. */
  checkModelCount?(count: number, hasBase: boolean): string | undefined;
  merge(input: MethodInput): void;
}
