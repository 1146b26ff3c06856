export { ModelCheckpointError } from './model-checkpoint-error.js';
export {
  CONFIG_FILE,
  STORAGE_DTYPES,
  initRandomCheckpoint,
  loadModel,
  readModelConfig,
  saveCheckpoint,
  type InitCheckpointOptions,
  type LoadModelOptions,
  type StorageDtype,
  type WrittenModel,
} from './checkpoint.js';
export {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  loadAdapter,
  peftKey,
  readAdapterConfig,
  saveAdapter,
  type AdapterSettings,
  type SaveAdapterOptions,
} from './peft-adapter.js';
export {
  generateFromCheckpoint,
  scoreCheckpoint,
  type CheckpointCallOptions,
  type GenerateFromCheckpointOptions,
} from './run-checkpoint.js';
export { generateText, type GenerateTextOptions, type GeneratedText } from './generate-text.js';
