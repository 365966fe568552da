import type { TaskMessage } from '../../../libs/contracts/messages';

export function makeTaskMessage(overrides: Partial<TaskMessage> = {}): TaskMessage {
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
    handler: 'noop',
    queue: 'default',
    timeoutMs: null,
    deadline: null,
    ...overrides,
  };
}
