import type { StageKind } from '@xreason/contracts';
import { dataPrepStage, type StageFunction } from '@xreason/workers';

/** The stage kinds this service runs (STAGE_SERVICES in @xreason/orchestration assigns them). */
export const SERVICE = 'data-prep';
export const STAGES: Partial<Record<StageKind, StageFunction>> = { 'data-prep': dataPrepStage };
