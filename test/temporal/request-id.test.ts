/**
 * An X-Request-Id sent to the API shows up on the workflow's and the activity's log lines in the worker,
 * carried by a Temporal header (real dev server, real worker, real HTTP).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter, type LogMetadata } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { AccessRegistryClient } from '../../src/access/registry-client';
import { createApp } from '../../src/api/app';
import { listen } from '../../src/api/http-server';
import { createLogger } from '../../src/logging';
import { createWorker } from '../../src/worker';
import { REQUEST_ID_HEADER } from '../../src/contracts/request-id';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from '../helpers/temporal';

const sdkLogs: { message: string; meta?: LogMetadata }[] = [];

describe('request id propagation', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let server: Server;
  let base: string;
  let taskQueue: string;

  beforeAll(async () => {
    // This file's process gets a Runtime whose logger we can read (before any environment creates one).
    Runtime.install({
      logger: new DefaultLogger('INFO', (e) => void sdkLogs.push({ message: e.message, meta: e.meta })),
    });
    env = await createDevEnv();
    taskQueue = uniqueId('tq');
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      dataConverter: testDataConverter,
    });
    running = worker.run();
    const app = createApp({
      client: codecClient(env),
      namespace: env.namespace ?? 'default',
      taskQueue,
      logger: createLogger({ level: 'silent' }),
    });
    server = await listen(app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  it('X-Request-Id › API starts a workflow › the id is in the start header and on workflow and activity log lines', async () => {
    let ready = 0;
    for (let i = 0; i < 50 && ready !== 200; i++) {
      ready = (await fetch(`${base}/readyz`)).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    // deep=1 runs a workflow for operator keys only (tracker #18 item 7).
    const registry = new AccessRegistryClient(codecClient(env), taskQueue);
    await registry.createTenant('trace-ops', 'Trace Ops');
    const { token } = await registry.createApiKey('trace-ops', 'operator');
    const r = await fetch(`${base}/readyz?deep=1`, {
      headers: { 'X-Request-Id': 'erp-trace-4711', Authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(200);

    const activityLine = sdkLogs.find((l) => l.message === 'describing worker for a system check');
    const workflowLine = sdkLogs.find((l) => l.message === 'system check passed');
    expect(activityLine?.meta).toMatchObject({ requestId: 'erp-trace-4711' });
    expect(workflowLine?.meta).toMatchObject({ requestId: 'erp-trace-4711' });

    const workflowId = workflowLine!.meta!.workflowId as string;
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const header = history.events![0]!.workflowExecutionStartedEventAttributes!.header!.fields![REQUEST_ID_HEADER]!;
    expect(defaultPayloadConverter.fromPayload(header)).toBe('erp-trace-4711');
  });
});
