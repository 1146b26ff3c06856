import type { StageKind } from '@xreason/contracts';
import { evalStage, type StageFunction } from '@xreason/workers';

/** The stage kinds this service runs (STAGE_SERVICES in @xreason/orchestration assigns them). */
export const SERVICE = 'eval';
export const STAGES: Partial<Record<StageKind, StageFunction>> = { eval: evalStage };
