import { BUILTIN_HANDLER_NAMES, builtinHandlers, SHELL_HANDLER, type TaskHandler } from '../../libs/worker-sdk';

export type Resolved = { ok: true; handler: TaskHandler } | { ok: false; error: string };

/** The handlers one worker runs: the built-ins it may run plus its own. */
export class HandlerRegistry {
  private readonly byName = new Map<string, TaskHandler>();

  constructor(
    own: TaskHandler[],
    private readonly allowShell: boolean,
    private readonly workerId: string,
  ) {
    for (const handler of builtinHandlers({ allowShell })) this.byName.set(handler.name, handler);
    for (const handler of own) {
      // Refused rather than overridden: a silent replacement of `http` would surprise whoever reads the job.
      if (BUILTIN_HANDLER_NAMES.includes(handler.name)) {
        throw new Error(`handler "${handler.name}" is a built-in name; give yours another one`);
      }
      if (this.byName.has(handler.name)) throw new Error(`two handlers are named "${handler.name}"`);
      this.byName.set(handler.name, handler);
    }
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  resolve(name: string): Resolved {
    const handler = this.byName.get(name);
    if (handler !== undefined) return { ok: true, handler };
    if (name === SHELL_HANDLER && !this.allowShell) {
      return { ok: false, error: 'handler "shell" is disabled on this worker (set WORKER_ALLOW_SHELL=1)' };
    }
    const shown = name.length > 100 ? `${name.slice(0, 100)}…` : name;
    return {
      ok: false,
      error: `no handler "${shown}" on worker ${this.workerId} (it has: ${this.names().join(', ')})`,
    };
  }
}
