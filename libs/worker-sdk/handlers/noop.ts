import { defineHandler } from '../handler';

/** Succeeds at once with output null: a placeholder step, or a join point in a DAG. */
export const noopHandler = defineHandler('noop', () => Promise.resolve(null));
