import type { StageKind } from '@xreason/contracts';
import type { StageFunction } from '../runtime/run-stage-worker.js';
import { grpoStage } from './grpo.js';
import { sftStage } from './sft.js';
import { notYetAvailable } from './unsupported.js';

/**
 * The trainer runs every training kind (STAGE_SERVICES): SFT, mid-align's contrastive stage (the SFT
 * loop alternating task and InfoNCE steps, role `alternate`), and GRPO through the asynchronous loop of
 * @xreason/grpo. MindMerger's mapping stage fails permanently with the reason until it exists.
 */
export function trainerStages(grpo: StageFunction = grpoStage): Partial<Record<StageKind, StageFunction>> {
  return {
    sft: sftStage,
    grpo,
    mapping: notYetAvailable('mapping', 'MindMerger needs an encoder model (a later issue)'),
    contrastive: sftStage,
  };
}
