import type { TaskHandler } from '../handler';
import { httpHandler } from './http';
import { noopHandler } from './noop';
import { shellHandler } from './shell';
import { sleepHandler } from './sleep';

export { httpHandler, noopHandler, shellHandler, sleepHandler };

/** The name of the handler that runs commands; a worker runs it only when allowed. */
export const SHELL_HANDLER = 'shell';

/** Every built-in handler name, whether or not this worker may run it. */
export const BUILTIN_HANDLER_NAMES: readonly string[] = ['noop', 'sleep', 'http', SHELL_HANDLER];

/** The built-ins a worker may run; `shell` only with `allowShell` (WORKER_ALLOW_SHELL=1). */
export function builtinHandlers(options: { allowShell: boolean }): TaskHandler[] {
  const safe = [noopHandler, sleepHandler, httpHandler];
  return options.allowShell ? [...safe, shellHandler] : safe;
}
