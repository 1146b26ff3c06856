import { readFileSync } from 'node:fs';
import { GrpoStageError } from './grpo-stage-error.js';
import { writeJsonAtomically } from './atomic-file.js';
import type { GrpoSettings } from './settings.js';

/**
 * What the trainer tells the other roles about a run, in `<outputDir>/grpo/run.json`: rollout and reward
 * workers started as separate processes read it (next to the policy adapters) rather than the run spec.
 */
export interface GrpoRunManifest {
  runId: string;
  baseModelDir: string;
  tokenizerDir: string;
  settings: GrpoSettings;
  seed: number;
  promptsFile: string;
}

export function writeRunManifest(path: string, manifest: GrpoRunManifest): void {
  writeJsonAtomically(path, manifest);
}

export function readRunManifest(path: string): GrpoRunManifest {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as GrpoRunManifest;
  } catch (cause) {
    throw new GrpoStageError(`cannot read the GRPO run manifest ${path}: ${(cause as Error).message}`, { cause });
  }
}
