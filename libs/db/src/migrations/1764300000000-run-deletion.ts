import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deletion with finalizers in local mode, as Kubernetes does it: deleting a run that still holds
 * finalizers only marks it (`deleting`); the operator cleans up (stops its stage workers), removes its
 * finalizer, and the row goes when the last finalizer does.
 */
export class RunDeletion1764300000000 implements MigrationInterface {
  name = 'RunDeletion1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "runs" ADD "deleting" boolean NOT NULL DEFAULT false`);
    await db.query(`ALTER TABLE "runs" ADD "finalizers" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "runs" DROP COLUMN "finalizers"`);
    await db.query(`ALTER TABLE "runs" DROP COLUMN "deleting"`);
  }
}
