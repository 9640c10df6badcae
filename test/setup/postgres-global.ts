import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.ts';

/**
 * Global set-up of the `postgres` test project (vitest.config.ts): one throwaway cluster for the
 * run; each test server makes its own database on it (test/integration/helpers/test-store.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgres();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
