import type { TaskContext } from './handler';

/** A plausible context for testing a handler alone; override what the test is about. */
export function makeTaskContext(overrides: Partial<TaskContext> = {}): TaskContext {
  return {
    taskId: 'task-1',
    runId: 'run-1',
    jobName: 'job',
    stepKey: 'step',
    shardIndex: 0,
    shardCount: 1,
    shardParam: null,
    attempt: 1,
    params: {},
    ...overrides,
  };
}
