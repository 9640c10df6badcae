import { defineConfig } from 'vitest/config';

/**
 * The suites that run a second time on PostgreSQL (P9): every API and phone-pipeline suite that
 * starts its server through the shared helpers, which open the store the project names. Suites
 * about the SQLite file itself (its bytes, WAL, crash durability) run on SQLite only.
 */
const ON_POSTGRES = [
  'test/integration/api-*.test.ts',
  'test/integration/app-http.test.ts',
  'test/integration/check-sync-*.test.ts',
  'test/integration/emergency-notify.test.ts',
  'test/integration/firmware-rollouts.test.ts',
  'test/integration/*-event-urls.test.ts',
  'test/integration/phone-*.test.ts',
  'test/integration/pipeline-file-source.test.ts',
  'test/integration/request-evidence.test.ts',
  'test/integration/site-edit-config-revision.test.ts',
  'test/integration/switch-polling.test.ts',
  'test/security/fault-database-unavailable.test.ts',
  'test/security/item-19-agent-other-device.test.ts',
];

export default defineConfig({
  test: {
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
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: ON_POSTGRES, globalSetup: ['test/setup/postgres-global.ts'] } },
    ],
  },
});
