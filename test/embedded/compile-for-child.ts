import { transformFile } from '@swc/core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SOURCE = path.resolve(__dirname, '../../src/database/embedded');
const PROJECT_MODULES = path.resolve(__dirname, '../../node_modules');

/**
 * Compiles src/database/embedded to CommonJS in a temp folder, so a plain `node` child can run the real
 * code (there is no TypeScript loader for Node 20 here), and returns the path of its entry module.
 * Dynamic import() is kept, as tsc keeps it, because the binaries package is ESM-only.
 */
export async function compileForChild(): Promise<{ entry: string; dispose(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-embedded-js-'));
  // Lets the compiled files resolve pg and the binaries package from the project.
  fs.symlinkSync(PROJECT_MODULES, path.join(dir, 'node_modules'));
  for (const name of fs.readdirSync(SOURCE).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
    const { code } = await transformFile(path.join(SOURCE, name), {
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs', ignoreDynamic: true },
    });
    fs.writeFileSync(path.join(dir, name.replace(/\.ts$/, '.js')), code);
  }
  return {
    entry: path.join(dir, 'embedded-postgres.js'),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
