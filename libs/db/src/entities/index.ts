import { ArtifactEntity } from './artifact.entity.js';
import { EvalAggregateEntity } from './eval-aggregate.entity.js';
import { EvalResultEntity } from './eval-result.entity.js';
import { EvalRunEntity } from './eval-run.entity.js';
import { EvalScheduleFiringEntity } from './eval-schedule-firing.entity.js';
import { EvalSampleEntity } from './eval-sample.entity.js';
import { ProcessedMessageEntity } from './processed-message.entity.js';
import { RunEntity } from './run.entity.js';
import { StageEntity } from './stage.entity.js';

export * from './artifact.entity.js';
export * from './eval-aggregate.entity.js';
export * from './eval-result.entity.js';
export * from './eval-run.entity.js';
export * from './eval-schedule-firing.entity.js';
export * from './eval-sample.entity.js';
export * from './processed-message.entity.js';
export * from './run.entity.js';
export * from './stage.entity.js';

/** Every entity of the schema; the migrations must produce exactly these tables. */
export const dbEntities = [
  RunEntity,
  StageEntity,
  ArtifactEntity,
  EvalResultEntity,
  ProcessedMessageEntity,
  EvalRunEntity,
  EvalSampleEntity,
  EvalAggregateEntity,
  EvalScheduleFiringEntity,
];
