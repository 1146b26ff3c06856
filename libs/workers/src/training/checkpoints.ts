import * as fs from 'node:fs';
import { join } from 'node:path';
import type { EngineModel } from '@xreason/engine';
import { saveAdapter } from '@xreason/models';
import { SafetensorsFile, float32ToBytes, writeSafetensors, type TensorInput } from '@xreason/safetensors';
import type { LoraAdamW } from './adamw.js';

export const CHECKPOINTS_DIR = 'checkpoints';
const STATE_FILE = 'trainer_state.json';
const OPTIMIZER_FILE = 'optimizer.safetensors';
const ADAPTER_DIR = 'adapter';

/** What a checkpoint records besides the weights: enough to continue exactly where it was taken. */
export interface TrainerState {
  /** Optimizer steps completed. */
  step: number;
  totalSteps: number;
  /** The attempt that wrote it. */
  attempt: number;
  /** Mean loss of each completed step, so a resumed run's summary covers the whole training. */
  losses: number[];
}

export interface Checkpoint {
  dir: string;
  adapterDir: string;
  state: TrainerState;
}

const stepDir = (root: string, step: number) => join(root, CHECKPOINTS_DIR, `step-${String(step).padStart(6, '0')}`);

/**
 * Writes `<outputDir>/checkpoints/step-NNNNNN/` (PEFT adapter, AdamW moments, trainer_state.json)
 * into a staging directory renamed into place, so a kill at any moment leaves whole checkpoints
 * only; keeps the newest `keep`.
 */
export async function saveCheckpoint(
  outputDir: string,
  model: EngineModel,
  optimizer: LoraAdamW,
  state: TrainerState,
  keep = 2,
): Promise<string> {
  const dir = stepDir(outputDir, state.step);
  const staging = `${dir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  await saveAdapter(model, join(staging, ADAPTER_DIR));
  const tensors: [string, TensorInput][] = [];
  for (const name of optimizer.names) {
    const m = optimizer.m.get(name)!;
    const v = optimizer.v.get(name)!;
    tensors.push([`${name}.exp_avg`, { dtype: 'F32', shape: [m.length], data: float32ToBytes('F32', m) }]);
    tensors.push([`${name}.exp_avg_sq`, { dtype: 'F32', shape: [v.length], data: float32ToBytes('F32', v) }]);
  }
  await writeSafetensors(join(staging, OPTIMIZER_FILE), tensors, { step: String(optimizer.step) });
  fs.writeFileSync(join(staging, STATE_FILE), `${JSON.stringify(state)}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  for (const old of listCheckpoints(outputDir).slice(0, -keep)) fs.rmSync(old.dir, { recursive: true, force: true });
  return dir;
}

/** Whole checkpoints, oldest first (staging leftovers of a killed attempt are ignored and removed). */
export function listCheckpoints(outputDir: string): Checkpoint[] {
  const root = join(outputDir, CHECKPOINTS_DIR);
  if (!fs.existsSync(root)) return [];
  const found: Checkpoint[] = [];
  for (const entry of fs.readdirSync(root)) {
    const dir = join(root, entry);
    if (entry.includes('.tmp-')) {
      fs.rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (!/^step-\d{6}$/.test(entry) || !fs.existsSync(join(dir, STATE_FILE))) continue;
    const state = JSON.parse(fs.readFileSync(join(dir, STATE_FILE), 'utf8')) as TrainerState;
    found.push({ dir, adapterDir: join(dir, ADAPTER_DIR), state });
  }
  return found.sort((a, b) => a.state.step - b.state.step);
}

export function latestCheckpoint(outputDir: string): Checkpoint | undefined {
  return listCheckpoints(outputDir).at(-1);
}

/** Restores the AdamW moments and step count a checkpoint saved (the adapter is loaded by the caller). */
export async function restoreOptimizer(checkpoint: Checkpoint, optimizer: LoraAdamW): Promise<void> {
  const file = await SafetensorsFile.open(join(checkpoint.dir, OPTIMIZER_FILE));
  try {
    for (const name of optimizer.names) {
      optimizer.m.set(name, await file.readAsFloat32(`${name}.exp_avg`));
      optimizer.v.set(name, await file.readAsFloat32(`${name}.exp_avg_sq`));
    }
  } finally {
    await file.close();
  }
  optimizer.step = checkpoint.state.step;
}
