import { defineConfig } from 'vitest/config';

// Suites are kept apart so the fast ones stay fast: unit tests run in-process with no servers;
// the others share one real Redis and one real MongoDB-wire server per project (test/support).
const services = './test/support/services.setup.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'functions/**/*.test.ts', 'tools/**/*.test.ts'],
          // A guard against hangs, not a measure of speed: unit files share two cores with the
          // server-backed suites, where a test taking 5 s alone ran past vitest's 5 s default.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/corpus/**/*.test.ts'],
          globalSetup: [services],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/build/**/*.test.ts'],
          globalSetup: [services],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          globalSetup: [services],
          testTimeout: 600_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
