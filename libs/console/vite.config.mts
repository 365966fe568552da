import react from '@vitejs/plugin-react';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const root = new URL('.', import.meta.url).pathname;
const outDir = join(root, '..', '..', 'dist', 'console');

/**
 * Writes a .gz beside every text asset, once at build time, so the api serves compressed
 * files without compressing on each request (and without a compression dependency).
 */
function precompress(): Plugin {
  return {
    name: 'shardflow-precompress',
    apply: 'build',
    closeBundle() {
      const assets = join(outDir, 'assets');
      for (const name of readdirSync(assets)) {
        if (!/\.(js|css|svg|json|ttf)$/.test(name)) continue;
        const path = join(assets, name);
        if (statSync(path).size < 1024) continue;
        writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
      }
    },
  };
}

// `npm run build:console` sets NODE_ENV=production: a build started from inside the test
// runner (NODE_ENV=test) would otherwise bundle React's development build.
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The GraphQL explorer (GraphiQL and its Monaco editor) is one big lazy chunk; the
    // console proper stays small. See the README for the sizes.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // GraphiQL's files start with React Compiler directives ("use no memo") that bundling
      // drops harmlessly; the warning about each would bury real ones.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: {
    // `npm run dev:console` next to `npm start`: the API stays on :3000.
    proxy: { '/graphql': { target: 'http://127.0.0.1:3000', ws: true } },
  },
});
