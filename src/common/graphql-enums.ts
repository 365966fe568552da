import { registerEnumType } from '@nestjs/graphql';
import { CONCURRENCY_POLICIES, MISFIRE_POLICIES, TRIGGER_RULES } from '../../libs/dag/job-definition';
import { RUN_STATUSES, RUN_TRIGGERS } from '../runs/run.entity';
import { TASK_STATUSES } from '../runs/task.entity';

/** GraphQL enums whose values are the strings stored in PostgreSQL. */
function enumOf<T extends string>(values: readonly T[]): Record<T, T> {
  return Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;
}

export const RunStatusEnum = enumOf(RUN_STATUSES);
export const TaskStatusEnum = enumOf(TASK_STATUSES);
export const TriggerRuleEnum = enumOf(TRIGGER_RULES);
export const ConcurrencyPolicyEnum = enumOf(CONCURRENCY_POLICIES);
export const MisfirePolicyEnum = enumOf(MISFIRE_POLICIES);
export const RunTriggerEnum = enumOf(RUN_TRIGGERS);

registerEnumType(RunStatusEnum, { name: 'RunStatus' });
registerEnumType(TaskStatusEnum, { name: 'TaskStatus' });
registerEnumType(TriggerRuleEnum, { name: 'TriggerRule' });
registerEnumType(ConcurrencyPolicyEnum, {
  name: 'ConcurrencyPolicy',
  description: 'When a fire finds the job still running',
});
registerEnumType(MisfirePolicyEnum, { name: 'MisfirePolicy', description: 'Fires missed while no planner led' });
registerEnumType(RunTriggerEnum, { name: 'RunTrigger' });
