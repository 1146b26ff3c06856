import type { StageKind } from '@xreason/contracts';
import type { StageFunction } from '../runtime/run-stage-worker.js';
import { grpoStage } from './grpo.js';
import { sftStage } from './sft.js';
import { notYetAvailable } from './unsupported.js';

/**
 * The trainer runs every training kind (STAGE_SERVICES): SFT, and GRPO through the asynchronous loop
 * of @xreason/grpo. MindMerger's mapping stage and mid-align's contrastive stage fail permanently with
 * the reason until they exist.
 */
export function trainerStages(grpo: StageFunction = grpoStage): Partial<Record<StageKind, StageFunction>> {
  return {
    sft: sftStage,
    grpo,
    mapping: notYetAvailable('mapping', 'MindMerger needs an encoder model (a later issue)'),
    contrastive: notYetAvailable('contrastive', 'mid-align contrastive training is not implemented in the trainer yet'),
  };
}
