import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Local mode's EvalSchedule firings (the Jobs of a CronJob): at most one per scheduled time, and at
 * most one Running per schedule (`concurrencyPolicy: Forbid`, held by a partial unique index so that
 * no race between two looks at the table can start a second one).
 */
export class EvalScheduleFirings1764500000000 implements MigrationInterface {
  name = 'EvalScheduleFirings1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "eval_schedule_firings" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "schedule_id" uuid NOT NULL,
        "scheduled_time" timestamptz NOT NULL,
        "night" date NOT NULL,
        "phase" text NOT NULL,
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz,
        "message" text,
        "regressions" integer NOT NULL DEFAULT 0,
        "result" jsonb,
        CONSTRAINT "pk_eval_schedule_firings" PRIMARY KEY ("id"),
        CONSTRAINT "uq_eval_schedule_firings_schedule_time" UNIQUE ("schedule_id", "scheduled_time"),
        CONSTRAINT "fk_eval_schedule_firings_schedule_id" FOREIGN KEY ("schedule_id") REFERENCES "runs" ("id") ON DELETE CASCADE,
        CONSTRAINT "ck_eval_schedule_firings_phase" CHECK ("phase" IN ('Running', 'Succeeded', 'Failed'))
      )`);
    await db.query(
      `CREATE UNIQUE INDEX "ux_eval_schedule_firings_running" ON "eval_schedule_firings" ("schedule_id") WHERE "phase" = 'Running'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "eval_schedule_firings"`);
  }
}
