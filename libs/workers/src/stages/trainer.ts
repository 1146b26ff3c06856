import type { StageKind } from '@xreason/contracts';
import type { StageFunction } from '../runtime/run-stage-worker.js';
import { sftStage } from './sft.js';
import { notYetAvailable } from './unsupported.js';

/**
 * The trainer runs every training kind (STAGE_SERVICES). `grpo` comes from the GRPO loop
 * (`runGrpoStage` of @xreason/grpo) once it exists; until then it fails permanently with that message.
 */
export function trainerStages(grpo?: StageFunction): Partial<Record<StageKind, StageFunction>> {
  return {
    sft: sftStage,
    grpo: grpo ?? notYetAvailable('grpo', 'the GRPO loop (@xreason/grpo runGrpoStage) is not wired into the trainer yet'),
    mapping: notYetAvailable('mapping', 'MindMerger needs an encoder model (a later issue)'),
    contrastive: notYetAvailable('contrastive', 'mid-align contrastive training is not implemented in the trainer yet'),
  };
}
