// Rewrites schema.graphql from the code (then commit it); CI fails when they differ.
import { spawnSync } from 'node:child_process';
const result = spawnSync(process.execPath, ['scripts/check-drift.mjs', '--write'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
