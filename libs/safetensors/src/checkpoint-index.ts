import { isAbsolute } from 'node:path';
import { SafetensorsError } from './safetensors-error.js';

/** `model.safetensors.index.json`, as written by Hugging Face `save_pretrained` and by this library. */
export interface CheckpointIndex {
  metadata: Record<string, unknown> & { total_size?: number };
  weight_map: Record<string, string>;
}

export const INDEX_FILE = 'model.safetensors.index.json';
export const SINGLE_FILE = 'model.safetensors';

export function shardFileName(shard: number, shardCount: number): string {
  const pad = (n: number) => String(n).padStart(5, '0');
  return `model-${pad(shard)}-of-${pad(shardCount)}.safetensors`;
}

/** Parses and checks an index: a `weight_map` of tensor → plain file name in the same directory. */
export function parseCheckpointIndex(file: string, text: string): CheckpointIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError('index', { file }, `index is not valid JSON (${(cause as Error).message})`, { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SafetensorsError('index', { file }, 'index must be a JSON object with a "weight_map"');
  }
  const { metadata = {}, weight_map: weightMap } = json as Record<string, unknown>;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError('index', { file, field: 'metadata' }, 'must be an object');
  }
  const totalSize = (metadata as Record<string, unknown>)['total_size'];
  if (
    totalSize !== undefined &&
    !(typeof totalSize === 'number' && Number.isSafeInteger(totalSize) && totalSize >= 0)
  ) {
    throw new SafetensorsError(
      'index',
      { file, field: 'metadata.total_size' },
      `must be a non-negative integer, found ${JSON.stringify(totalSize)}`,
    );
  }
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new SafetensorsError(
      'index',
      { file, field: 'weight_map' },
      'must be an object mapping tensor names to shard files',
    );
  }
  for (const [tensor, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || shard.length === 0) {
      throw new SafetensorsError(
        'index',
        { file, tensor, field: 'weight_map' },
        `shard must be a file name, found ${JSON.stringify(shard)}`,
      );
    }
    // Shards sit beside the index; a path that climbs out would let a checkpoint read any file.
    if (isAbsolute(shard) || shard.includes('/') || shard.includes('\\') || shard === '.' || shard === '..') {
      throw new SafetensorsError(
        'index',
        { file, tensor, field: 'weight_map' },
        `shard ${JSON.stringify(shard)} must be a plain file name in the index's directory`,
      );
    }
  }
  return { metadata: metadata as CheckpointIndex['metadata'], weight_map: weightMap as Record<string, string> };
}
