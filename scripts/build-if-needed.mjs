// `npm start` builds first when dist/ is missing or older than any source file.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'dist', 'main.js');

function newest(dir) {
  let latest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) latest = Math.max(latest, newest(path));
    else if (name.name.endsWith('.ts')) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

const sources = Math.max(
  ...['src', 'libs', 'migrations'].map((d) => newest(join(root, d))),
  statSync(join(root, 'package.json')).mtimeMs,
);
if (!existsSync(entry) || statSync(entry).mtimeMs < sources) {
  console.log('shardflow: building…');
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
}
