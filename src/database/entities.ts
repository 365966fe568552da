import { JobVersionEntity } from '../jobs/job-version.entity';
import { JobEntity } from '../jobs/job.entity';
import { LeaseEntity, PlannerInstanceEntity } from '../lease/lease.entity';
import { AttemptEntity } from '../runs/attempt.entity';
import { RunStepEntity } from '../runs/run-step.entity';
import { RunEntity } from '../runs/run.entity';
import { TaskEntity } from '../runs/task.entity';
import { WorkerEntity } from '../workers/worker.entity';

/** Every table's entity; each lives in the module that owns the table. */
export const ENTITIES = [
  JobEntity,
  JobVersionEntity,
  RunEntity,
  RunStepEntity,
  TaskEntity,
  AttemptEntity,
  WorkerEntity,
  LeaseEntity,
  PlannerInstanceEntity,
];
