import { defineHandler, HandlerError, type TaskContext } from '../handler';
import { optionalStringRecord, requiredString } from '../params';
import { runShell } from './shell-process';

/** The context as environment variables; set last, so `params.env` cannot fake them. */
function shardflowEnv(task: TaskContext): Record<string, string> {
  return {
    SHARDFLOW_TASK_ID: task.taskId,
    SHARDFLOW_RUN_ID: task.runId,
    SHARDFLOW_JOB_NAME: task.jobName,
    SHARDFLOW_STEP_KEY: task.stepKey,
    SHARDFLOW_SHARD_INDEX: String(task.shardIndex),
    SHARDFLOW_SHARD_COUNT: String(task.shardCount),
    SHARDFLOW_SHARD_PARAM: task.shardParam ?? '',
    SHARDFLOW_ATTEMPT: String(task.attempt),
    SHARDFLOW_PARAMS: JSON.stringify(task.params),
  };
}

function extraEnv(task: TaskContext): Record<string, string> {
  const env = optionalStringRecord(task.params, 'env', true) ?? {};
  for (const name of Object.keys(env)) {
    if (name === '' || name.includes('=') || name.includes('\0')) {
      throw new HandlerError(`params.env has an invalid variable name: ${JSON.stringify(name)}`);
    }
  }
  return env;
}

/**
 * Runs `params.command` with `/bin/sh -c`, in the worker's environment plus `params.env`
 * plus the SHARDFLOW_* context. Output: the last non-empty line of stdout, or null.
 * A worker runs it only with WORKER_ALLOW_SHELL=1.
 */
export const shellHandler = defineHandler('shell', async (task, signal) => {
  const command = requiredString(task.params, 'command');
  const env = { ...process.env, ...extraEnv(task), ...shardflowEnv(task) };
  return runShell(command, env, signal);
});
