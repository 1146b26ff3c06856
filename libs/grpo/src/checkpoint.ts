import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineModel } from '@xreason/engine';
import { saveAdapter } from '@xreason/models';
import type { AdamW } from './adamw.js';
import { writeJsonAtomically } from './atomic-file.js';
import type { GrpoLayout } from './layout.js';
import { swapAdapterWeights } from './policy-weights.js';

/** The trainer's progress, as a checkpoint holds it next to the adapter and the optimizer moments. */
export interface TrainerState {
  /** Optimizer steps taken. */
  step: number;
  /** The policy version the weights are (the last one published in this timeline). */
  version: number;
  /** Versions of this timeline, oldest first: a group is used only if its version is among the last maxPolicyLag + 1. */
  lineage: number[];
  /** ScoredGroup message ids used by the steps so far: none is used twice. */
  usedMessageIds: string[];
  /** Per ScoredGroup partition, the highest offset a step used (audit; de-duplication is by message id). */
  consumedOffsets: Record<string, string>;
}

export const ADAPTER_DIR = 'adapter';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const STATE_FILE = 'state.json';
/** Checkpoints kept besides the newest, so a kill while writing one still leaves a good one. */
const KEEP = 2;

/**
 * Writes a checkpoint into a temporary directory, renames it into place, and only then moves
 * `latest.json` to it: a kill at any point leaves the previous checkpoint current and whole.
 */
export async function saveCheckpoint(
  layout: GrpoLayout,
  model: EngineModel,
  optimizer: AdamW,
  state: TrainerState,
  baseModel: string,
): Promise<string> {
  const dir = layout.checkpointDir(state.step);
  const temp = `${dir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  await saveAdapter(model, join(temp, ADAPTER_DIR), { baseModel });
  await optimizer.save(join(temp, OPTIMIZER_FILE));
  writeJsonAtomically(join(temp, STATE_FILE), state);
  rmSync(dir, { recursive: true, force: true }); // a checkpoint of a lost timeline at the same step
  renameSync(temp, dir);
  writeJsonAtomically(layout.latestCheckpoint, { step: state.step, dir });
  prune(layout, state.step);
  return dir;
}

/** Restores the newest checkpoint into the model and optimizer; undefined when there is none. */
export async function restoreCheckpoint(
  layout: GrpoLayout,
  model: EngineModel,
  optimizer: AdamW,
): Promise<TrainerState | undefined> {
  if (!existsSync(layout.latestCheckpoint)) return undefined;
  const { dir } = JSON.parse(readFileSync(layout.latestCheckpoint, 'utf8')) as { dir: string };
  const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as TrainerState;
  await swapAdapterWeights(model, join(dir, ADAPTER_DIR));
  await optimizer.load(join(dir, OPTIMIZER_FILE));
  return state;
}

function prune(layout: GrpoLayout, newest: number): void {
  const steps = readdirSync(layout.checkpoints)
    .map((name) => /^step-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .filter((s) => s < newest)
    .sort((a, b) => b - a);
  for (const step of steps.slice(KEEP - 1)) rmSync(layout.checkpointDir(step), { recursive: true, force: true });
}
