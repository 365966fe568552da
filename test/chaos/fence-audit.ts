/**
 * A fencing audit in the chaos database: every statement that writes runs, tasks, attempts or
 * run_steps inside a leader's fenced transaction (which sets `shardflow.epoch`) is checked
 * against the lease's epoch at that moment. A statement from a deposed leader (its epoch below
 * the lease's) is recorded as a violation. Only the chaos suite's own database gets this.
 */
import type { TestDatabase } from '../support/database';

const TABLES = ['runs', 'tasks', 'attempts', 'run_steps'];

export async function installFenceAudit(db: TestDatabase): Promise<void> {
  await db.query(`
    CREATE TABLE chaos_fence_violations (
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      table_name text NOT NULL,
      operation text NOT NULL,
      writer_epoch bigint NOT NULL,
      lease_epoch bigint,
      lease_holder text
    )`);
  await db.query(`CREATE SEQUENCE chaos_fenced_statements`);
  await db.query(`
    CREATE FUNCTION chaos_fence_check() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      writer text := current_setting('shardflow.epoch', true);
      lease record;
    BEGIN
      IF writer IS NULL OR writer = '' THEN
        RETURN NULL;
      END IF;
      PERFORM nextval('chaos_fenced_statements');
      SELECT epoch, holder_id INTO lease FROM planner_lease WHERE name = 'leader';
      IF lease.epoch IS DISTINCT FROM writer::bigint THEN
        INSERT INTO chaos_fence_violations (table_name, operation, writer_epoch, lease_epoch, lease_holder)
        VALUES (TG_TABLE_NAME, TG_OP, writer::bigint, lease.epoch, lease.holder_id);
      END IF;
      RETURN NULL;
    END $$`);
  for (const table of TABLES) {
    await db.query(
      `CREATE TRIGGER chaos_fence_${table} AFTER INSERT OR UPDATE OR DELETE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION chaos_fence_check()`,
    );
  }
}

export interface FenceAudit {
  statements: number;
  violations: Array<{
    at: Date;
    table_name: string;
    operation: string;
    writer_epoch: string;
    lease_epoch: string | null;
  }>;
}

export async function readFenceAudit(db: TestDatabase): Promise<FenceAudit> {
  const [seq] = await db.query<{ last_value: string; is_called: boolean }>(
    `SELECT last_value, is_called FROM chaos_fenced_statements`,
  );
  const violations = await db.query<FenceAudit['violations'][number]>(
    `SELECT at, table_name, operation, writer_epoch, lease_epoch FROM chaos_fence_violations ORDER BY at`,
  );
  return { statements: seq.is_called ? Number(seq.last_value) : 0, violations };
}
