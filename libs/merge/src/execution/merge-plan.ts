import { isFloatDtype, type Dtype, type FloatDtype } from '@xreason/safetensors';
import type { InputSliceConfig, MergeConfig } from '../config/merge-config.schema.js';
import type { ParsedMergeConfig } from '../config/parse-merge-config.js';
import { evaluateSetting, type ParameterScalar, type ParameterSettings } from '../config/parameter-setting.js';
import { MergeError } from '../merge-error.js';
import type { MergeMethod, ParameterDefinitions, ResolvedParameters } from '../methods/merge-method.js';
import { layerTensorName } from './layer-names.js';
import type { ModelCheckpoint } from './model-checkpoint.js';

export interface PlannedInput {
  model: ModelCheckpoint;
  tensorName: string;
  parameters: ResolvedParameters;
}

/** One output tensor: where its inputs come from and everything needed to merge it. */
export interface PlannedTensor {
  name: string;
  shape: readonly number[];
  /** Stored dtype of the reference input; non-float tensors are copied from it unchanged. */
  inputDtype: Dtype;
  outputDtype: Dtype;
  base: PlannedInput | undefined;
  models: PlannedInput[];
  parameters: ResolvedParameters;
}

export interface MergePlan {
  method: MergeMethod;
  tensors: PlannedTensor[];
  /** Layers in the output (differs from the inputs' when slices stack or drop layers). */
  layerCount: number;
  /** The model whose config.json the output takes. */
  configModel: ModelCheckpoint;
}

interface Slice {
  sources: InputSliceConfig[];
  base: string | undefined;
  parameters: ParameterSettings | undefined;
}

const DTYPES: Record<string, FloatDtype> = {
  float32: 'F32',
  fp32: 'F32',
  bfloat16: 'BF16',
  bf16: 'BF16',
  float16: 'F16',
  fp16: 'F16',
};

export function dtypeFromName(name: string): FloatDtype {
  return DTYPES[name] as FloatDtype;
}

/** The slices a config describes; a `models` list is one slice over every layer (as mergekit does). */
export function slicesOf(config: MergeConfig, method: MergeMethod, models: Map<string, ModelCheckpoint>): Slice[] {
  if (config.slices) {
    return config.slices.map((slice) => ({
      sources: slice.sources,
      base: method.baseModel === 'unused' ? undefined : (slice.base_model ?? config.base_model),
      parameters: slice.parameters,
    }));
  }
  const listed = config.models ?? [];
  const base = method.baseModel === 'unused' ? undefined : config.base_model;
  const refs = listed.map((m) => m.model);
  if (base !== undefined && !refs.includes(base)) refs.push(base);
  const counts = refs.map((ref) => (models.get(ref) as ModelCheckpoint).layout.layerCount);
  const first = counts[0] as number;
  for (const [i, ref] of refs.entries()) {
    if (counts[i] !== first) {
      throw new MergeError(
        'layer_mismatch',
        { model: ref },
        `has ${counts[i]} layers but ${refs[0]} has ${first}; use slices to merge models of different depth`,
      );
    }
  }
  return [
    {
      sources: refs.map((ref) => ({
        model: ref,
        layer_range: [0, first] as [number, number],
        parameters: listed.find((m) => m.model === ref)?.parameters,
      })),
      base,
      parameters: undefined,
    },
  ];
}

/**
 * Resolves the whole merge before any byte is written: every tensor of every model is found and its
 * shape checked, and every parameter is evaluated, so bad input fails with the output untouched.
 */
export function planMerge(parsed: ParsedMergeConfig, models: Map<string, ModelCheckpoint>): MergePlan {
  const { config, method } = parsed;
  checkArchitectures(models);
  const slices = slicesOf(config, method, models);
  const configuredDtype = config.out_dtype ?? config.dtype;
  const outputDtypeFor = (input: Dtype): Dtype =>
    isFloatDtype(input) && configuredDtype !== undefined ? dtypeFromName(configuredDtype) : input;
  const model = (ref: string) => models.get(ref) as ModelCheckpoint;
  const tensors: PlannedTensor[] = [];

  const plan = (outName: string, slice: Slice, inputNames: string[], t: number) => {
    const referenceIndex = Math.max(
      0,
      slice.sources.findIndex((s) => s.model === slice.base),
    );
    const reference = slice.sources[referenceIndex] as InputSliceConfig;
    const info = model(reference.model).checkpoint.info(inputNames[referenceIndex] as string);
    let base: PlannedInput | undefined;
    const others: PlannedInput[] = [];
    for (const [j, source] of slice.sources.entries()) {
      const input = model(source.model);
      const tensorName = inputNames[j] as string;
      if (!input.checkpoint.has(tensorName)) {
        throw new MergeError(
          'missing_tensor',
          { model: source.model, tensor: tensorName },
          `not in the checkpoint (needed for ${outName})`,
        );
      }
      const shape = input.checkpoint.info(tensorName).shape;
      if (!sameShape(shape, info.shape)) {
        throw new MergeError(
          'shape_mismatch',
          { model: source.model, tensor: tensorName },
          `shape [${shape.join(', ')}] differs from ${reference.model}'s [${info.shape.join(', ')}]`,
        );
      }
      if (source.model === slice.base) {
        base = { model: input, tensorName, parameters: {} };
        continue;
      }
      const parameters = resolve(method.tensorParameters, tensorName, t, slice, config, source.model);
      others.push({ model: input, tensorName, parameters });
    }
    tensors.push({
      name: outName,
      shape: info.shape,
      inputDtype: info.dtype,
      outputDtype: outputDtypeFor(info.dtype),
      base,
      models: others,
      parameters: resolve(method.parameters, outName, t, slice, config, undefined),
    });
  };

  const first = slices[0] as Slice;
  const last = slices[slices.length - 1] as Slice;
  const referenceOf = (slice: Slice) =>
    model((slice.sources.find((s) => s.model === slice.base) ?? slice.sources[0])!.model);

  for (const name of referenceOf(first).layout.embeddings)
    plan(
      name,
      first,
      first.sources.map(() => name),
      0,
    );
  let layerCount = 0;
  for (const slice of slices) {
    const reference = slice.sources.find((s) => s.model === slice.base) ?? (slice.sources[0] as InputSliceConfig);
    const span = reference.layer_range[1] - reference.layer_range[0];
    for (const source of slice.sources) {
      const available = model(source.model).layout.layerCount;
      if (source.layer_range[1] > available) {
        throw new MergeError(
          'layer_mismatch',
          { model: source.model, field: 'layer_range' },
          `[${source.layer_range.join(', ')}] reaches past its ${available} layers`,
        );
      }
    }
    const referenceLayout = model(reference.model).layout;
    for (let offset = 0; offset < span; offset++) {
      const t = span > 1 ? offset / (span - 1) : 1;
      const suffixes = referenceLayout.layers.get(reference.layer_range[0] + offset) ?? new Map<string, string>();
      for (const suffix of suffixes.keys()) {
        const inputNames = slice.sources.map((source) => {
          const prefix = model(source.model).layout.layerPrefix ?? (referenceLayout.layerPrefix as string);
          return layerTensorName(prefix, source.layer_range[0] + offset, suffix);
        });
        plan(layerTensorName(referenceLayout.layerPrefix as string, layerCount, suffix), slice, inputNames, t);
      }
      layerCount++;
    }
  }
  for (const name of referenceOf(last).layout.tail)
    plan(
      name,
      last,
      last.sources.map(() => name),
      1,
    );

  const configRef = config.base_model ?? (first.sources[0] as InputSliceConfig).model;
  return { method, tensors, layerCount, configModel: model(configRef) };
}

/**
 * A parameter's value for one tensor: the model's own setting in this slice, then the slice's, then
 * the global one, then the method's default — mergekit's ConfigReader order.
 */
function resolve(
  definitions: ParameterDefinitions,
  tensorName: string,
  t: number,
  slice: Slice,
  config: MergeConfig,
  modelRef: string | undefined,
): ResolvedParameters {
  const resolved: Record<string, ParameterScalar | undefined> = {};
  const scopes: (ParameterSettings | undefined)[] = [
    modelRef === undefined ? undefined : slice.sources.find((s) => s.model === modelRef)?.parameters,
    slice.parameters,
    config.parameters,
  ];
  for (const [name, definition] of Object.entries(definitions)) {
    let value: ParameterScalar | undefined;
    for (const scope of scopes) {
      const setting = scope?.[name];
      if (setting !== undefined) value = evaluateSetting(tensorName, setting, t);
      if (value !== undefined) break;
    }
    value ??= definition.default;
    if (value === undefined && definition.required) {
      throw new MergeError(
        'parameter',
        { model: modelRef, tensor: tensorName, field: name },
        `no value for required parameter "${name}" (${definition.description}); set it${modelRef ? ' on the model,' : ''} in the slice or in the top-level parameters, or add a filter-less default`,
      );
    }
    resolved[name] = value;
  }
  return resolved;
}

function checkArchitectures(models: Map<string, ModelCheckpoint>): void {
  let first: { ref: string; architectures: string } | undefined;
  for (const model of models.values()) {
    const architectures = model.hfConfig?.['architectures'];
    if (architectures === undefined) continue;
    const key = JSON.stringify(architectures);
    if (!first) first = { ref: model.ref, architectures: key };
    else if (first.architectures !== key) {
      throw new MergeError(
        'architecture_mismatch',
        { model: model.ref, field: 'config.json architectures' },
        `${key} differs from ${first.ref}'s ${first.architectures}`,
      );
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
