import { MigrationInterface, QueryRunner } from "typeorm";

export class Failover1795647416296 implements MigrationInterface {
    name = 'Failover1795647416296'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "tasks_running_worker" ON "tasks" ("worker_id")
            WHERE status = 'RUNNING'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."tasks_running_worker"
        `);
    }

}
