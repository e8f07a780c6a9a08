import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep worker count modest so process-spawning tests are not starved.
    maxWorkers: 2,
  },
});
