/**
 * vitest globalSetup: one real PostgreSQL server per test run, shared by every file. Files get databases of
 * their own on it with `testDatabase()` (test/helpers/postgres.ts), which reads the URL provided here.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './helpers/postgres';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const server = await startPostgres();
  if (process.env.POSTGRES_TEST_VERBOSE === '1')
    console.error(`global-setup: PostgreSQL on ${server.url} in ${Date.now() - started} ms`);
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
