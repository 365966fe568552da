import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where Vite put the built console: dist/console. The compiled controller lives in
 * dist/src/api, the TypeScript source (under vitest) in src/api; both find it.
 */
export function findConsoleDirectory(from: string = __dirname): string | null {
  const candidates = [join(from, '..', '..', 'console'), join(from, '..', '..', 'dist', 'console')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** Hashed file names Vite emits into assets/: no slashes, no dot-files, so no way out of the folder. */
export const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** The console talks to its own origin only; this makes the browser refuse anything else. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // CodeMirror, uPlot and GraphiQL's editor set inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** The page served when dist/console is missing (a build without the console). */
export const CONSOLE_NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>shardflow</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:.1rem .3rem}</style>
</head><body>
<h1>shardflow</h1>
<p>The scheduler is running, but the web console was not built (<code>npm run build</code> builds it).
The GraphQL API is at <a href="/graphql"><code>/graphql</code></a>.</p>
<p>Health: <a href="/healthz"><code>/healthz</code></a>, readiness: <a href="/readyz"><code>/readyz</code></a>.</p>
</body></html>`;
