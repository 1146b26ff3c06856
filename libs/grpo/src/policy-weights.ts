import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineModel } from '@xreason/engine';
import { ADAPTER_WEIGHTS_FILE, peftKey, readAdapterConfig } from '@xreason/models';
import { SafetensorsFile } from '@xreason/safetensors';

/** sha256 of the adapter's weights file: PolicyVersion.contentHash, so a worker can tell a republished version from a new one. */
export function adapterContentHash(adapterDir: string): string {
  return createHash('sha256')
    .update(readFileSync(join(adapterDir, ADAPTER_WEIGHTS_FILE)))
    .digest('hex');
}

/**
 * Replaces the LoRA factors of a model that already holds an adapter of the same rank and targets with
 * those in `adapterDir` — how a rollout worker moves to a new policy version without reloading the base.
 */
export async function swapAdapterWeights(model: EngineModel, adapterDir: string): Promise<void> {
  const settings = readAdapterConfig(adapterDir);
  const held = model.lora;
  if (!held || held.rank !== settings.rank || held.targets.join() !== settings.targets.join()) {
    throw new Error(
      `${adapterDir}: a rank-${settings.rank} adapter on ${settings.targets.join(', ')} cannot replace the model's ${held ? `rank-${held.rank} adapter on ${held.targets.join(', ')}` : 'missing adapter'}`,
    );
  }
  const file = await SafetensorsFile.open(join(adapterDir, ADAPTER_WEIGHTS_FILE));
  try {
    for (const name of model.tensorNames()) {
      if (!/\.lora_[AB]\.weight$/.test(name)) continue;
      model.setTensor(name, await file.readAsFloat32(peftKey(name)));
    }
  } finally {
    await file.close();
  }
}
