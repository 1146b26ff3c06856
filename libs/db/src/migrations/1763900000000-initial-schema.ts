import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs and their stages, artifacts, evaluation results, and the processed-message ledger of the
 * idempotent Kafka consumers. Constraint and index names are spelled out so that later migrations
 * (and the entity-vs-schema check in the tests) can refer to them.
 */
export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "runs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "kind" text NOT NULL,
        "name" text NOT NULL,
        "namespace" text NOT NULL DEFAULT 'default',
        "recipe" text,
        "spec" jsonb NOT NULL,
        "status" jsonb NOT NULL DEFAULT '{}',
        "phase" text NOT NULL,
        "generation" integer NOT NULL DEFAULT 1,
        "observed_generation" integer NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_runs" PRIMARY KEY ("id"),
        CONSTRAINT "uq_runs_namespace_kind_name" UNIQUE ("namespace", "kind", "name"),
        CONSTRAINT "ck_runs_kind" CHECK ("kind" IN ('AlignmentRun', 'EvalSchedule'))
      )`);

    await db.query(`
      CREATE TABLE "stages" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "run_id" uuid NOT NULL,
        "name" text NOT NULL,
        "phase" text NOT NULL,
        "attempt" integer NOT NULL DEFAULT 1,
        "started_at" timestamptz,
        "finished_at" timestamptz,
        "message" text,
        CONSTRAINT "pk_stages" PRIMARY KEY ("id"),
        CONSTRAINT "uq_stages_run_id_name" UNIQUE ("run_id", "name"),
        CONSTRAINT "fk_stages_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE CASCADE
      )`);

    await db.query(`
      CREATE TABLE "artifacts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "run_id" uuid,
        "stage_id" uuid,
        "kind" text NOT NULL,
        "uri" text NOT NULL,
        "content_hash" text NOT NULL,
        "size_bytes" bigint NOT NULL,
        "metadata" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_artifacts" PRIMARY KEY ("id"),
        CONSTRAINT "fk_artifacts_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE SET NULL,
        CONSTRAINT "fk_artifacts_stage_id" FOREIGN KEY ("stage_id") REFERENCES "stages" ("id") ON DELETE SET NULL,
        CONSTRAINT "ck_artifacts_kind"
          CHECK ("kind" IN ('dataset', 'checkpoint', 'adapter', 'rollouts', 'report', 'tokenizer')),
        CONSTRAINT "ck_artifacts_content_hash" CHECK ("content_hash" ~ '^[0-9a-f]{64}$'),
        CONSTRAINT "ck_artifacts_size_bytes" CHECK ("size_bytes" >= 0)
      )`);
    await db.query(`CREATE INDEX "ix_artifacts_run_id" ON "artifacts" ("run_id")`);
    await db.query(`CREATE INDEX "ix_artifacts_stage_id" ON "artifacts" ("stage_id")`);
    await db.query(`CREATE INDEX "ix_artifacts_content_hash" ON "artifacts" ("content_hash")`);

    await db.query(`
      CREATE TABLE "eval_results" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "run_id" uuid,
        "model" text NOT NULL,
        "suite" text NOT NULL,
        "language" text NOT NULL,
        "metric" text NOT NULL,
        "value" double precision NOT NULL,
        "ci_low" double precision,
        "ci_high" double precision,
        "n" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_eval_results" PRIMARY KEY ("id"),
        CONSTRAINT "fk_eval_results_run_id" FOREIGN KEY ("run_id") REFERENCES "runs" ("id") ON DELETE SET NULL
      )`);
    await db.query(`CREATE INDEX "ix_eval_results_run_id" ON "eval_results" ("run_id")`);
    await db.query(
      `CREATE INDEX "ix_eval_results_model_suite_language_metric" ON "eval_results" ("model", "suite", "language", "metric")`,
    );

    await db.query(`
      CREATE TABLE "processed_messages" (
        "consumer_group" text NOT NULL,
        "message_key" text NOT NULL,
        "topic" text NOT NULL,
        "partition" integer NOT NULL,
        "offset" bigint NOT NULL,
        "processed_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_processed_messages" PRIMARY KEY ("consumer_group", "message_key")
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['processed_messages', 'eval_results', 'artifacts', 'stages', 'runs']) {
      await db.query(`DROP TABLE "${table}"`);
    }
  }
}
