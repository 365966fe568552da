import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTaskContext } from '../testing';
import { shellHandler } from './shell';
import { runShell } from './shell-process';

const dir = mkdtempSync(join(tmpdir(), 'shardflow-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (params: Record<string, unknown>, signal = new AbortController().signal) =>
  shellHandler.run(
    makeTaskContext({
      taskId: 'task-9',
      runId: 'run-4',
      jobName: 'etl',
      stepKey: 'load',
      shardIndex: 1,
      shardCount: 3,
      shardParam: 'Beijing',
      attempt: 2,
      params,
    }),
    signal,
  );

/** A zombie counts as dead: where PID 1 does not reap orphans, killed ones stay zombies. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls what no event announces: another process's state. */
async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('shell handler', () => {
  it.each([
    { command: 'echo first; echo last; echo; echo "  "', output: 'last' },
    { command: 'true', output: null },
    { command: 'yes | head -c 1000000; echo; echo done', output: 'done' },
  ])('outputs the last non-empty stdout line of `$command`', async ({ command, output }) => {
    await expect(run({ command })).resolves.toBe(output);
  });

  it('passes the context and params.env as variables', async () => {
    const command =
      'echo "$SHARDFLOW_SHARD_INDEX|$SHARDFLOW_SHARD_COUNT|$SHARDFLOW_SHARD_PARAM|$SHARDFLOW_ATTEMPT|' +
      '$SHARDFLOW_TASK_ID|$SHARDFLOW_RUN_ID|$SHARDFLOW_JOB_NAME|$SHARDFLOW_STEP_KEY|$GREETING|$COUNT"';
    await expect(run({ command, env: { GREETING: 'hi', COUNT: 3, SHARDFLOW_TASK_ID: 'forged' } })).resolves.toBe(
      '1|3|Beijing|2|task-9|run-4|etl|load|hi|3',
    );
  });

  it('passes the params as JSON', async () => {
    const output = await run({ command: 'printf "%s" "$SHARDFLOW_PARAMS"', n: 1 });
    expect(JSON.parse(String(output))).toEqual({ command: 'printf "%s" "$SHARDFLOW_PARAMS"', n: 1 });
  });

  it.each([
    { command: 'echo out; echo one >&2; echo two >&2; exit 3', error: 'exit code 3: one\ntwo' },
    { command: 'exit 7', error: 'exit code 7' },
    { command: 'kill -9 $$', error: 'killed by SIGKILL' },
  ])('fails on `$command`', async ({ command, error }) => {
    await expect(run({ command })).rejects.toThrow(error);
  });

  it.each([
    { params: {}, error: 'params.command is required' },
    { params: { command: 'true', env: { A: { b: 1 } } }, error: 'params.env.A must be a string' },
    { params: { command: 'true', env: { 'A=B': 'x' } }, error: 'params.env has an invalid variable name: "A=B"' },
  ])('refuses $params', async ({ params, error }) => {
    await expect(run(params)).rejects.toThrow(error);
  });

  it('on abort kills the whole process group quickly', async () => {
    const pidFile = join(dir, 'child.pid');
    const controller = new AbortController();
    const pending = run({ command: `sleep 30 & echo $! > ${pidFile}; wait`, env: {} }, controller.signal);
    const settled = pending.catch((err: unknown) => err);
    await until(() => readFileSync(pidFile, { encoding: 'utf8', flag: 'a+' }).trim() !== '', 5000);
    const child = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(child)).toBe(true);

    const aborted = performance.now();
    controller.abort(new Error('cancelled'));
    expect(await settled).toEqual(new Error('cancelled'));
    await until(() => !alive(child), 1000);
    expect(performance.now() - aborted).toBeLessThan(1000);
  });

  it('SIGKILLs a group that ignores SIGTERM once the grace is over', async () => {
    const pidFile = join(dir, 'stubborn.pid');
    const controller = new AbortController();
    // An ignored signal stays ignored in children, so neither sh nor sleep dies of SIGTERM.
    const command = `trap "" TERM; sleep 30 & echo $! > ${pidFile}; wait`;
    const settled = runShell(command, process.env, controller.signal, 100).catch((err: unknown) => err);
    await until(() => readFileSync(pidFile, { encoding: 'utf8', flag: 'a+' }).trim() !== '', 5000);
    const child = Number(readFileSync(pidFile, 'utf8'));

    controller.abort(new Error('cancelled'));
    expect(await settled).toEqual(new Error('cancelled'));
    expect(alive(child)).toBe(true);
    await until(() => !alive(child), 1000);
  });
});
