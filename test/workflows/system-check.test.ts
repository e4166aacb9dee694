import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createWorker } from '../../src/worker';
import { systemCheck } from '../../src/workflows';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from '../helpers/temporal';

describe('systemCheck on a real Temporal dev server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await createDevEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('systemCheck › a worker polls the queue › runs the workflow and its local activity and returns the worker identity', async () => {
    const taskQueue = uniqueId('tq');
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      identity: 'test-worker-1',
      dataConverter: testDataConverter,
    });
    const workflowId = `system-check-${randomUUID()}`;
    const result = await worker.runUntil(codecClient(env).workflow.execute(systemCheck, { taskQueue, workflowId }));

    expect(result).toMatchObject({ workflowId, taskQueue, worker: { identity: 'test-worker-1', version: '0.1.0' } });
    // Behaviour, not only state: the history shows the local activity ran and the workflow completed.
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const types = (history.events ?? []).map((e) => e.eventType);
    expect(types.length).toBeGreaterThan(3);
    const markers = (history.events ?? []).filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    expect(markers).toHaveLength(1);
    const described = await env.client.workflow.getHandle(workflowId).describe();
    expect(described.status.name).toBe('COMPLETED');
  });

  it('dev server › started by the test set-up › has every search attribute the workflows use registered', async () => {
    const listed = await env.connection.operatorService.listSearchAttributes({ namespace: env.namespace ?? 'default' });
    const names = Object.keys(listed.customAttributes ?? {});
    for (const key of ALL_SEARCH_ATTRIBUTES) expect(names).toContain(key.name);
  });
});
