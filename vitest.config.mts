import react from '@vitejs/plugin-react';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const swcPlugin = () =>
  swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
    },
  });

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [swcPlugin()],
        test: { name: 'unit', include: ['libs/**/*.spec.ts', 'src/**/*.spec.ts'], environment: 'node' },
      },
      {
        plugins: [swcPlugin()],
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          globalSetup: ['test/setup/global-setup.ts'],
          pool: 'forks',
        },
      },
      {
        // The web console's logic and components, in a simulated DOM (its browser tests, in
        // real Chromium, are integration tests under test/console).
        plugins: [react()],
        test: { name: 'console', include: ['libs/console/src/**/*.test.{ts,tsx}'], environment: 'happy-dom' },
      },
    ],
  },
});
