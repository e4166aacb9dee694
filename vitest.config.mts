import { defineConfig } from 'vitest/config';

// Workflow tests start real Temporal servers (dev server / time-skipping test server) per file; servers take
// a few seconds to come up, hence the generous hook timeout. Files run in separate forks; the machine has
// 2 cores, so at most 2 files at once.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    globalSetup: ['test/global-setup.ts'],
  },
});
