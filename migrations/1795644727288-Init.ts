import { MigrationInterface, QueryRunner } from "typeorm";

export class Init1795644727288 implements MigrationInterface {
    name = 'Init1795644727288'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "jobs" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(128) NOT NULL,
                "version" integer NOT NULL,
                "paused" boolean NOT NULL DEFAULT false,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_cf0a6c42b72fcc7f7c237def345" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "jobs_name_live" ON "jobs" ("name")
            WHERE deleted_at IS NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "job_versions" (
                "job_id" uuid NOT NULL,
                "version" integer NOT NULL,
                "definition" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_49cf3ac53afebd0997b929e078c" PRIMARY KEY ("job_id", "version")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "planner_lease" (
                "name" text NOT NULL,
                "holder_id" text,
                "epoch" bigint NOT NULL DEFAULT '0',
                "acquired_at" TIMESTAMP WITH TIME ZONE,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_d691b810baf31ac473d1f746115" PRIMARY KEY ("name")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "planners" (
                "id" text NOT NULL,
                "host" text NOT NULL,
                "pid" integer NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_cdcd884a7bfdd0869289b9da306" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "runs" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "job_id" uuid NOT NULL,
                "job_name" character varying(128) NOT NULL,
                "job_version" integer NOT NULL,
                "status" character varying(16) NOT NULL,
                "trigger" character varying(16) NOT NULL,
                "scheduled_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "started_at" TIMESTAMP WITH TIME ZONE,
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "params" jsonb NOT NULL DEFAULT '{}',
                "retry_of" uuid,
                "cancel_requested_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_46d6a1e257c38ba58f1a3c30836" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "runs_active" ON "runs" ("created_at")
            WHERE status IN ('QUEUED', 'RUNNING')
        `);
        await queryRunner.query(`
            CREATE INDEX "runs_created" ON "runs" ("created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "runs_job_created" ON "runs" ("job_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "tasks" (
                "id" uuid NOT NULL,
                "run_id" uuid NOT NULL,
                "step_key" character varying(64) NOT NULL,
                "shard_index" integer NOT NULL,
                "shard_param" text,
                "status" character varying(16) NOT NULL,
                "attempt" integer NOT NULL DEFAULT '0',
                "failures" integer NOT NULL DEFAULT '0',
                "lost" integer NOT NULL DEFAULT '0',
                "worker_id" text,
                "queued_at" TIMESTAMP WITH TIME ZONE,
                "published_at" TIMESTAMP WITH TIME ZONE,
                "started_at" TIMESTAMP WITH TIME ZONE,
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "retry_at" TIMESTAMP WITH TIME ZONE,
                "deadline_at" TIMESTAMP WITH TIME ZONE,
                "output" jsonb,
                "error" text,
                CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "tasks_deadline" ON "tasks" ("deadline_at")
            WHERE status = 'RUNNING'
                AND deadline_at IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "tasks_retry_due" ON "tasks" ("retry_at")
            WHERE status = 'PENDING'
                AND retry_at IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "tasks_unpublished" ON "tasks" ("queued_at")
            WHERE status = 'QUEUED'
                AND published_at IS NULL
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "tasks_run_step_shard" ON "tasks" ("run_id", "step_key", "shard_index")
        `);
        await queryRunner.query(`
            CREATE TABLE "attempts" (
                "task_id" uuid NOT NULL,
                "number" integer NOT NULL,
                "worker_id" text,
                "status" character varying(16) NOT NULL,
                "queued_at" TIMESTAMP WITH TIME ZONE,
                "started_at" TIMESTAMP WITH TIME ZONE,
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "error" text,
                CONSTRAINT "PK_18d7d92bd7d2a23faeee92e90e8" PRIMARY KEY ("task_id", "number")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "run_steps" (
                "run_id" uuid NOT NULL,
                "step_key" character varying(64) NOT NULL,
                "phase" character varying(16) NOT NULL DEFAULT 'PENDING',
                "started" boolean NOT NULL DEFAULT false,
                "shards" integer NOT NULL,
                "succeeded" integer NOT NULL DEFAULT '0',
                "failed" integer NOT NULL DEFAULT '0',
                "skipped" integer NOT NULL DEFAULT '0',
                "cancelled" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_54777dc867e98260d6841db9327" PRIMARY KEY ("run_id", "step_key")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "workers" (
                "id" text NOT NULL,
                "host" text NOT NULL,
                "pid" integer NOT NULL,
                "queues" text array NOT NULL,
                "handlers" text array NOT NULL,
                "running" integer NOT NULL,
                "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_e950c9aba3bd84a4f193058d838" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "job_versions"
            ADD CONSTRAINT "FK_3e881f85d64efddfbf6db0241b8" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "runs"
            ADD CONSTRAINT "FK_062a77c9fb9ec3e6bb8dcbc45ba" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "tasks"
            ADD CONSTRAINT "FK_cdc33e4f1ba517b26830cea67b4" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "attempts"
            ADD CONSTRAINT "FK_f778ac200071b6bd4b4c7bb7cb0" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "run_steps"
            ADD CONSTRAINT "FK_7f6526c62f033b0b92cbea2b802" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        // The lease row exists from the start so that acquiring it is a single conditional UPDATE.
        await queryRunner.query(`INSERT INTO "planner_lease" ("name", "epoch") VALUES ('leader', 0)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "run_steps" DROP CONSTRAINT "FK_7f6526c62f033b0b92cbea2b802"
        `);
        await queryRunner.query(`
            ALTER TABLE "attempts" DROP CONSTRAINT "FK_f778ac200071b6bd4b4c7bb7cb0"
        `);
        await queryRunner.query(`
            ALTER TABLE "tasks" DROP CONSTRAINT "FK_cdc33e4f1ba517b26830cea67b4"
        `);
        await queryRunner.query(`
            ALTER TABLE "runs" DROP CONSTRAINT "FK_062a77c9fb9ec3e6bb8dcbc45ba"
        `);
        await queryRunner.query(`
            ALTER TABLE "job_versions" DROP CONSTRAINT "FK_3e881f85d64efddfbf6db0241b8"
        `);
        await queryRunner.query(`
            DROP TABLE "workers"
        `);
        await queryRunner.query(`
            DROP TABLE "run_steps"
        `);
        await queryRunner.query(`
            DROP TABLE "attempts"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."tasks_run_step_shard"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."tasks_unpublished"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."tasks_retry_due"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."tasks_deadline"
        `);
        await queryRunner.query(`
            DROP TABLE "tasks"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."runs_job_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."runs_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."runs_active"
        `);
        await queryRunner.query(`
            DROP TABLE "runs"
        `);
        await queryRunner.query(`
            DROP TABLE "planners"
        `);
        await queryRunner.query(`
            DROP TABLE "planner_lease"
        `);
        await queryRunner.query(`
            DROP TABLE "job_versions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."jobs_name_live"
        `);
        await queryRunner.query(`
            DROP TABLE "jobs"
        `);
    }

}
