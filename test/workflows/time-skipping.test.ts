import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { sleepForDays } from '../fixtures/workflows/sleeper';
import { createTimeSkippingEnv, uniqueId } from '../helpers/temporal';

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('a workflow sleeping 61 days › on the time-skipping server › completes in well under a second of wall time', async () => {
    const taskQueue = uniqueId('tq');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: join(__dirname, '../fixtures/workflows/sleeper.ts'),
    });
    const simulatedBefore = await env.currentTimeMs();
    const wallStart = performance.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(sleepForDays, { taskQueue, workflowId: uniqueId('sleep'), args: [61] }),
    );
    const wallMs = performance.now() - wallStart;
    const simulatedMs = (await env.currentTimeMs()) - simulatedBefore;

    expect(result).toBe('slept 61 days');
    expect(simulatedMs).toBeGreaterThanOrEqual(61 * 24 * 3600 * 1000);
    expect(wallMs).toBeLessThan(1000);
  });
});
