import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShardedCheckpointWriter } from '@xreason/safetensors';

const MiB = 1 << 20;

/**
 * A ~`sizeMiB` bf16 checkpoint of 8 MiB matrices (plus norms), written from one reused buffer so
 * making it costs no memory. Values differ per model and tensor, so a merge has real work to do.
 */
export async function writeLargeModel(dir: string, seed: number, sizeMiB: number): Promise<number> {
  const rows = 2048;
  const cols = 2048; // 2048 × 2048 bf16 = 8 MiB
  const layers = Math.max(1, Math.round(sizeMiB / 8 / 2));
  const writer = await ShardedCheckpointWriter.create({ dir, maxShardBytes: 64 * MiB, alwaysIndex: true });
  const matrix = new Uint16Array(rows * cols);
  const norm = new Uint16Array(cols);
  let bytes = 0;
  const fill = (target: Uint16Array, salt: number) => {
    // bf16 bit patterns of values in ±[0.5, 1): sign and a few mantissa bits vary with position.
    for (let i = 0; i < target.length; i++) {
      const h = Math.imul(i ^ salt, 0x9e3779b1) >>> 24;
      target[i] = ((h & 1) << 15) | 0x3f00 | (h >>> 1);
    }
  };
  for (let layer = 0; layer < layers; layer++) {
    for (const [k, name] of ['self_attn.o_proj.weight', 'mlp.down_proj.weight'].entries()) {
      fill(matrix, seed * 7919 + layer * 31 + k);
      await writer.add(`model.layers.${layer}.${name}`, { dtype: 'BF16', shape: [rows, cols], data: matrix });
      bytes += matrix.byteLength;
    }
    fill(norm, seed + layer);
    await writer.add(`model.layers.${layer}.input_layernorm.weight`, { dtype: 'BF16', shape: [cols], data: norm });
    bytes += norm.byteLength;
  }
  await writer.finish();
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ architectures: ['LlamaForCausalLM'], num_hidden_layers: layers }),
  );
  return bytes;
}
