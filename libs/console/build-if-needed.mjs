// Builds the web console when dist/console is missing or older than its sources. Used by
// `npm start` (after the server's own build-if-needed) and by the browser tests. Concurrent
// callers (test files run in parallel) wait for one build instead of racing.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const built = join(root, 'dist', 'console', 'index.html');
const lock = join(root, 'dist', '.console-build.lock');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

function stale() {
  if (!existsSync(built)) return true;
  const sources = Math.max(
    newest(join(here, 'src')),
    newest(join(here, 'index.html')),
    newest(join(here, 'vite.config.mts')),
    newest(join(root, 'package.json')),
  );
  return statSync(built).mtimeMs < sources;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function takeLock() {
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lock);
      return;
    } catch {
      // A lock older than five minutes belongs to a build that died.
      if (waited > 300_000 || Date.now() - statSync(lock).mtimeMs > 300_000)
        rmSync(lock, { recursive: true, force: true });
      sleep(250);
    }
  }
}

if (stale()) {
  takeLock();
  try {
    if (stale()) {
      console.log('shardflow: building the console…');
      execSync('npm run build:console', { cwd: root, stdio: 'inherit' });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
