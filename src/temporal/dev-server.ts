/**
 * The embedded Temporal dev server (`temporal server start-dev`): real Temporal server + Web UI in one
 * binary, persistent in a SQLite file (WAL), with our namespace and search attributes registered at
 * every start (idempotent on an existing database).
 */
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeCliArgs } from '../workflows/search-attributes';
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
