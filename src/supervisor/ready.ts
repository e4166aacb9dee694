/** Resolves once the API's /readyz answers 200 (the supervisors' banner waits for it). */
import { retryUntil } from '../temporal/retry';

export async function waitReady(apiUrl: string, timeoutMs: number): Promise<void> {
  await retryUntil(
    async () => {
      const r = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
      if (r.status !== 200) throw new Error(`readyz ${r.status}: ${await r.text()}`);
    },
    { timeoutMs, intervalMs: 500 },
  );
}
