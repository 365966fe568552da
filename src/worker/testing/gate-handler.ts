import { defineHandler, type TaskContext, type TaskHandler } from '../../../libs/worker-sdk';
import { Recorder } from './recorder';

/**
 * A handler named `gate` that runs until the test releases it or its signal aborts, and
 * records what it saw, so tests control when tasks end without sleeping.
 */
export class GateHandler {
  readonly started = new Recorder<TaskContext>();
  readonly aborted = new Recorder<string>();
  running = 0;
  maxRunning = 0;
  private readonly releases = new Map<string, (output: unknown) => void>();

  readonly handler: TaskHandler = defineHandler(
    'gate',
    (task, signal) =>
      new Promise((resolve, reject) => {
        let ended = false;
        const end = (): boolean => {
          if (ended) return false;
          ended = true;
          this.running -= 1;
          return true;
        };
        this.running += 1;
        this.maxRunning = Math.max(this.maxRunning, this.running);
        this.releases.set(task.taskId, (output) => {
          if (end()) resolve(output);
        });
        signal.addEventListener(
          'abort',
          () => {
            if (!end()) return;
            this.aborted.push(task.taskId);
            reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          },
          { once: true },
        );
        this.started.push(task);
      }),
  );

  release(taskId: string, output: unknown = null): void {
    const release = this.releases.get(taskId);
    if (release === undefined) throw new Error(`gate: ${taskId} has not started`);
    release(output);
  }
}
