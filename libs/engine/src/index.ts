export {
  ARCHITECTURES,
  EngineInputError,
  decoderConfigFromHf,
  decoderConfigToHf,
  resolveDecoderConfig,
  type Architecture,
  type DecoderConfig,
} from './decoder-config.js';
export {
  EngineModel,
  LORA_TARGETS,
  type AdamWOptions,
  type CallOptions,
  type TrainCallOptions,
  type GenerateOptions,
  type Generated,
  type LoraOptions,
  type TensorSpec,
  type TrainSequence,
} from './engine-model.js';
export { decoderTensorSpecs, randomWeights, weightBuffers } from './random-weights.js';
export { engineInfo, scoreTokens } from './score.js';
export {
  POLICY_LOSSES,
  type ContrastiveOptions,
  type Objective,
  type PolicyLossKind,
  type PolicyLossOptions,
  type TrainResult,
} from './objective.js';
