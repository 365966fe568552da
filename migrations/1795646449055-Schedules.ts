import { MigrationInterface, QueryRunner } from "typeorm";

export class Schedules1795646449055 implements MigrationInterface {
    name = 'Schedules1795646449055'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "jobs"
            ADD "fire_cursor" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
        `);
        await queryRunner.query(`
            ALTER TABLE "jobs"
            ADD "skipped_fires" integer NOT NULL DEFAULT '0'
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "runs_one_per_fire" ON "runs" ("job_id", "scheduled_at")
            WHERE trigger IN ('SCHEDULE', 'BACKFILL')
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."runs_one_per_fire"
        `);
        await queryRunner.query(`
            ALTER TABLE "jobs" DROP COLUMN "skipped_fires"
        `);
        await queryRunner.query(`
            ALTER TABLE "jobs" DROP COLUMN "fire_cursor"
        `);
    }

}
