// See src/cli/check-drift.ts.
import { spawnSync } from 'node:child_process';
const build = spawnSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const check = spawnSync(process.execPath, ['dist/src/cli/check-drift.js', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(check.status ?? 1);
