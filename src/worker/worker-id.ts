import { randomBytes } from 'node:crypto';

/** `${host}-${pid}-${8 hex}`: the suffix tells apart restarts that reuse a pid (containers: pid 1). */
export function makeWorkerId(host: string, pid: number): string {
  return `${host}-${pid}-${randomBytes(4).toString('hex')}`;
}
