/** Retries a connection attempt while a just-started server comes up (embedded mode start-up race). */
export async function retryUntil<T>(
  attempt: () => Promise<T>,
  opts: { timeoutMs: number; intervalMs?: number; onRetry?: (err: unknown, n: number) => void },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      opts.onRetry?.(err, n);
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
    }
  }
}
