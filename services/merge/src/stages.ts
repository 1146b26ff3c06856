import type { StageKind } from '@xreason/contracts';
import { mergeStage, type StageFunction } from '@xreason/workers';

/** The stage kinds this service runs (STAGE_SERVICES in @xreason/orchestration assigns them). */
export const SERVICE = 'merge';
export const STAGES: Partial<Record<StageKind, StageFunction>> = { merge: mergeStage };
