/**
 * End-to-end tests: the built renderer (out/renderer) in Debian's Chromium,
 * driven by playwright-core through the preview bridge against the real
 * services, the real OS keychain and lab fleets. One file at a time: each
 * starts Chromium, the services and lab clusters, which is plenty for a
 * 2-core machine.
 *
 *   npm run test:e2e     (builds the renderer; runs inside a private unlocked keychain)
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest-e2e.json' },
  },
});
