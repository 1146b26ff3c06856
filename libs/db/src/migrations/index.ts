import type { MigrationInterface } from 'typeorm';
import { InitialSchema1763900000000 } from './1763900000000-initial-schema.js';
import { EvaluationTables1764100000000 } from './1764100000000-evaluation-tables.js';
import { RunDeletion1764300000000 } from './1764300000000-run-deletion.js';
import { EvalScheduleFirings1764500000000 } from './1764500000000-eval-schedule-firings.js';

type MigrationClass = new () => MigrationInterface;

/** Every migration, oldest first. Append; never edit one that has shipped. */
export const dbMigrations: MigrationClass[] = [
  InitialSchema1763900000000,
  EvaluationTables1764100000000,
  RunDeletion1764300000000,
  EvalScheduleFirings1764500000000,
];
