import { MigrationInterface, QueryRunner } from "typeorm";

export class RunOrder1795646795922 implements MigrationInterface {
    name = 'RunOrder1795646795922'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."runs_active"
        `);
        await queryRunner.query(`
            ALTER TABLE "runs"
            ADD "seq" BIGSERIAL NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "runs_active" ON "runs" ("seq")
            WHERE status IN ('QUEUED', 'RUNNING')
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."runs_active"
        `);
        await queryRunner.query(`
            ALTER TABLE "runs" DROP COLUMN "seq"
        `);
        await queryRunner.query(`
            CREATE INDEX "runs_active" ON "runs" USING btree ("created_at")
            WHERE (
                    (status)::text = ANY (
                        (
                            ARRAY ['QUEUED'::character varying, 'RUNNING'::character varying]
                        )::text []
                    )
                )
        `);
    }

}
