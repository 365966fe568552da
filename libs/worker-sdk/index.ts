/** The worker SDK: what you need to write handlers of your own, and the built-in ones. */
export { abortError, defineHandler, HandlerError } from './handler';
export type { TaskContext, TaskHandler } from './handler';
export {
  BUILTIN_HANDLER_NAMES,
  builtinHandlers,
  httpHandler,
  noopHandler,
  SHELL_HANDLER,
  shellHandler,
  sleepHandler,
} from './handlers';
