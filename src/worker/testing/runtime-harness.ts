import { WorkerRuntime, type WorkerRuntimeOptions } from '../worker-runtime';
import { FakeTaskBus } from './fake-task-bus';
import { GateHandler } from './gate-handler';

export const NOW = new Date('2026-01-01T00:00:00.000Z');

const started: WorkerRuntime[] = [];

/** A started runtime on a fake bus, with the `gate` handler; stop them all with `stopAll`. */
export async function startRuntime(overrides: Partial<WorkerRuntimeOptions> = {}) {
  const bus = new FakeTaskBus();
  const gate = new GateHandler();
  // Recorded rather than printed; no vitest import, so this file compiles in any build.
  const lines: string[] = [];
  const logger = {
    log: (message: string) => lines.push(message),
    warn: (message: string) => lines.push(`warn: ${message}`),
    error: (message: string) => lines.push(`error: ${message}`),
  };
  const runtime = new WorkerRuntime({
    bus,
    workerId: 'w1',
    host: 'host-a',
    pid: 42,
    queues: ['default'],
    concurrency: 4,
    handlers: [gate.handler],
    allowShell: false,
    heartbeatIntervalMs: 60_000,
    clock: () => NOW,
    logger,
    ...overrides,
  });
  await runtime.start();
  started.push(runtime);
  return { bus, gate, lines, runtime };
}

export async function stopAll(): Promise<void> {
  await Promise.all(started.splice(0).map((runtime) => runtime.stop(0)));
}

/** Lets every queued callback run once: for asserting that something did NOT happen. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
