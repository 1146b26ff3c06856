import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evaluations (`eval_runs`), every sample they drew (`eval_samples`, also the generation cache) and
 * their per-language aggregates (`eval_aggregates`). Samples and aggregates go with their evaluation.
 */
export class EvaluationTables1764100000000 implements MigrationInterface {
  name = 'EvaluationTables1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "eval_runs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "run_id" uuid,
        "schedule" text,
        "night" date,
        "label" text,
        "model" text NOT NULL,
        "model_hash" text NOT NULL,
        "adapter_hash" text,
        "suite" text NOT NULL,
        "suite_version" text NOT NULL,
        "languages" jsonb NOT NULL,
        "params" jsonb NOT NULL,
        "backend" text NOT NULL,
        "status" text NOT NULL,
        "results_uri" text,
        "message" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz,
        CONSTRAINT "pk_eval_runs" PRIMARY KEY ("id"),
        CONSTRAINT "uq_eval_runs_label" UNIQUE ("label"),
        CONSTRAINT "fk_eval_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE SET NULL,
        CONSTRAINT "ck_eval_runs_status" CHECK ("status" IN ('running', 'succeeded', 'failed'))
      )`);
    await db.query(`CREATE INDEX "ix_eval_runs_run_id" ON "eval_runs" ("run_id")`);
    await db.query(
      `CREATE INDEX "ix_eval_runs_schedule_model_suite_night" ON "eval_runs" ("schedule", "model", "suite", "night")`,
    );

    await db.query(`
      CREATE TABLE "eval_samples" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "eval_run_id" uuid NOT NULL,
        "language" text NOT NULL,
        "item_id" text NOT NULL,
        "sample_index" integer NOT NULL,
        "cache_key" text NOT NULL,
        "task" text NOT NULL,
        "gold" text NOT NULL,
        "prompt" jsonb NOT NULL,
        "completion" text NOT NULL,
        "token_ids" jsonb NOT NULL,
        "logprobs" jsonb NOT NULL,
        "finish_reason" text NOT NULL,
        "completion_tokens" integer NOT NULL,
        "scores" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_eval_samples" PRIMARY KEY ("id"),
        CONSTRAINT "uq_eval_samples_run_language_item_sample" UNIQUE ("eval_run_id", "language", "item_id", "sample_index"),
        CONSTRAINT "fk_eval_samples_eval_run_id" FOREIGN KEY ("eval_run_id") REFERENCES "eval_runs" ("id") ON DELETE CASCADE
      )`);
    await db.query(`CREATE INDEX "ix_eval_samples_cache_key" ON "eval_samples" ("cache_key")`);

    await db.query(`
      CREATE TABLE "eval_aggregates" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "eval_run_id" uuid NOT NULL,
        "language" text NOT NULL,
        "mode" text NOT NULL,
        "metric" text NOT NULL,
        "value" double precision NOT NULL,
        "ci_low" double precision NOT NULL,
        "ci_high" double precision NOT NULL,
        "items" integer NOT NULL,
        "samples_per_item" integer NOT NULL,
        CONSTRAINT "pk_eval_aggregates" PRIMARY KEY ("id"),
        CONSTRAINT "uq_eval_aggregates_run_language_mode_metric" UNIQUE ("eval_run_id", "language", "mode", "metric"),
        CONSTRAINT "fk_eval_aggregates_eval_run_id" FOREIGN KEY ("eval_run_id") REFERENCES "eval_runs" ("id") ON DELETE CASCADE
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['eval_aggregates', 'eval_samples', 'eval_runs']) await db.query(`DROP TABLE "${table}"`);
  }
}
