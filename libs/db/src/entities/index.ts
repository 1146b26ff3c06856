import { ArtifactEntity } from './artifact.entity.js';
import { EvalResultEntity } from './eval-result.entity.js';
import { ProcessedMessageEntity } from './processed-message.entity.js';
import { RunEntity } from './run.entity.js';
import { StageEntity } from './stage.entity.js';

export * from './artifact.entity.js';
export * from './eval-result.entity.js';
export * from './processed-message.entity.js';
export * from './run.entity.js';
export * from './stage.entity.js';

/** Every entity of the schema; the migrations must produce exactly these tables. */
export const dbEntities = [RunEntity, StageEntity, ArtifactEntity, EvalResultEntity, ProcessedMessageEntity];
