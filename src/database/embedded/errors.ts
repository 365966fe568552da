export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True when a failed fs call failed because the path does not exist. */
export function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}
