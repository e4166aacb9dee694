/**
 * The embedded Temporal dev server (`temporal server start-dev`): real Temporal server + Web UI in one
 * binary, persistent in a SQLite file (WAL), with our namespace and search attributes registered at
 * every start (idempotent on an existing database).
 */
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliArgs } from '../contracts/search-attributes';
import type { Logger } from '../logging';
import { ensureRetention } from './retention';
import { retryUntil } from './retry';

export interface DevServerSettings {
  cliPath: string;
  dataDir: string;
  ip: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** Web UI codec endpoint (payload decryption), when the API serves one. */
  codecEndpoint?: string;
}

export const devServerDbFile = (dataDir: string): string => join(dataDir, 'temporal.sqlite');

export function devServerArgs(s: DevServerSettings): string[] {
  return [
    'server',
    'start-dev',
    '--db-filename',
    devServerDbFile(s.dataDir),
    '--ip',
    s.ip,
    '--port',
    String(s.port),
    '--ui-port',
    String(s.uiPort),
    '--namespace',
    s.namespace,
    ...searchAttributeCliArgs(),
    // WAL: concurrent readers (UI, visibility) do not block the writer; survives restarts without corruption.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    // A 128 MiB page cache (SQLite's default is 2 MiB): with thousands of open boletos the tables outgrow the default
    // and every write reads pages back from the OS (measured by npm run bench over 10 minutes).
    '--sqlite-pragma',
    'cache_size=-131072',
    // Eager activity dispatch: an activity scheduled by a workflow task goes straight back to the worker that
    // completed it (when it has a free slot), not through the task queue: fewer writes and round trips.
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    '--ui-disable-news-fetch',
    ...(s.codecEndpoint ? ['--ui-codec-endpoint', s.codecEndpoint] : []),
    '--log-format',
    'json',
    '--log-level',
    'warn',
  ];
}

/** Resolves once the frontend answers and our namespace exists (the server registers it at start). */
export async function waitForNamespace(address: string, namespace: string, timeoutMs: number): Promise<void> {
  await retryUntil(
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        await connection.workflowService.describeNamespace({ namespace });
      } finally {
        await connection.close();
      }
    },
    { timeoutMs, intervalMs: 300 },
  );
}

/** The embedded server's namespace gets TEMPORAL_RETENTION_DAYS (the dev server registers it with 24 hours). */
export async function applyRetention(address: string, namespace: string, days: number, logger: Logger): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: '2s' });
  try {
    await ensureRetention(connection.workflowService, namespace, days, logger);
  } finally {
    await connection.close();
  }
}
