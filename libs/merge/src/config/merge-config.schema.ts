import { Type, type Static } from '@sinclair/typebox';

/**
 * mergekit's YAML configuration (`MergeConfiguration`), as far as xreason merges it. Unknown keys are
 * refused rather than ignored: a typo such as `merge_methd` must not silently change a merge.
 */
const ModelReference = Type.String({ minLength: 1, description: 'a local model directory (Hugging Face layout)' });

const Scalar = Type.Union([Type.Number(), Type.Boolean(), Type.String()]);
const Gradient = Type.Array(Scalar, { minItems: 1 });
const Conditional = Type.Object(
  { filter: Type.Optional(Type.String()), value: Type.Union([Scalar, Gradient]) },
  { additionalProperties: false },
);
export const ParameterSettingSchema = Type.Union([Scalar, Gradient, Type.Array(Conditional, { minItems: 1 })]);
const Parameters = Type.Record(Type.String(), ParameterSettingSchema);

const InputModel = Type.Object(
  { model: ModelReference, parameters: Type.Optional(Parameters) },
  { additionalProperties: false },
);

const LayerIndex = Type.Integer({ minimum: 0 });
const InputSlice = Type.Object(
  {
    model: ModelReference,
    layer_range: Type.Tuple([LayerIndex, LayerIndex]),
    parameters: Type.Optional(Parameters),
  },
  { additionalProperties: false },
);

const OutputSlice = Type.Object(
  {
    sources: Type.Array(InputSlice, { minItems: 1 }),
    base_model: Type.Optional(ModelReference),
    parameters: Type.Optional(Parameters),
  },
  { additionalProperties: false },
);

export const DTYPE_NAMES = ['float32', 'bfloat16', 'float16', 'fp32', 'bf16', 'fp16'] as const;
const DtypeName = Type.Union(DTYPE_NAMES.map((name) => Type.Literal(name)));

const TokenizerConfig = Type.Object(
  {
    source: Type.String({ minLength: 1 }),
    tokens: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    pad_to_multiple_of: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const MergeConfigSchema = Type.Object(
  {
    merge_method: Type.String({ minLength: 1 }),
    base_model: Type.Optional(ModelReference),
    models: Type.Optional(Type.Array(InputModel, { minItems: 1 })),
    slices: Type.Optional(Type.Array(OutputSlice, { minItems: 1 })),
    parameters: Type.Optional(Parameters),
    dtype: Type.Optional(DtypeName),
    out_dtype: Type.Optional(DtypeName),
    tokenizer_source: Type.Optional(Type.String({ minLength: 1 })),
    tokenizer: Type.Optional(TokenizerConfig),
    chat_template: Type.Optional(Type.String()),
    /** Free text (mergekit-multi stages are named); not used by the merge. */
    name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export type MergeConfig = Static<typeof MergeConfigSchema>;
export type InputSliceConfig = Static<typeof InputSlice>;
export type OutputSliceConfig = Static<typeof OutputSlice>;
