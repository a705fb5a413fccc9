import { defineConfig } from 'vitest/config';

// Unit and integration tests (Node, real Azurite). The Playwright end-to-end suite runs separately.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
