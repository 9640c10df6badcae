import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration and e2e tests open real sockets and SQLite files; two forks keep a
    // 2-core machine busy without starving the servers under test.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['server/**/*.ts', 'agent/**/*.ts', 'templates/**/*.ts'],
      reporter: ['text-summary'],
      // Print the figures even when a test fails, so a red run still shows where coverage stands.
      reportOnFailure: true,
      thresholds: { lines: 80, functions: 80, branches: 70, statements: 80 },
    },
  },
});
