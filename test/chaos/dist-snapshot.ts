/**
 * The chaos suite starts processes for many minutes. It runs them from a private copy of dist/
 * so that a rebuild of this checkout in the meantime (another test run's global setup, a
 * developer's `npm run build`) cannot pull the build out from under a restart.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/wait';

const ROOT = join(__dirname, '..', '..');

export interface DistSnapshot {
  root: string;
  dispose(): void;
}

export async function snapshotDist(): Promise<DistSnapshot> {
  const dist = join(ROOT, 'dist');
  // A build in progress has no entry point yet (nest empties dist/ first) or holds the console lock.
  await eventually(
    async () =>
      existsSync(join(dist, 'main.js')) &&
      existsSync(join(dist, 'src', 'main.js')) &&
      !existsSync(join(dist, '.console-build.lock'))
        ? true
        : undefined,
    { timeoutMs: 300_000, everyMs: 500, what: 'a complete dist/ (run npm run build)' },
  );
  const root = mkdtempSync(join(tmpdir(), 'sf-chaos-root-'));
  cpSync(dist, join(root, 'dist'), { recursive: true });
  // Modules resolve from the checkout's node_modules.
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  if (!existsSync(join(root, 'dist', 'main.js')) || !existsSync(join(root, 'dist', 'src', 'main.js'))) {
    rmSync(root, { recursive: true, force: true });
    throw new Error('dist/ changed while it was copied; run the chaos suite again');
  }
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
