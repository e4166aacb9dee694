/**
 * Process plumbing shared by every entrypoint (supervisor, worker, API, simulators): fatal config errors
 * printed plainly, and one shutdown path for SIGTERM / SIGINT / the supervisor going away (IPC disconnect),
 * so a child never outlives its parent.
 */
import { ConfigError } from './config';

/** An expected start-up failure: printed as its message alone, no stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}

type ShutdownFn = (reason: string) => Promise<void>;

export function onShutdown(fn: ShutdownFn, opts: { exit?: boolean; timeoutMs?: number } = {}): void {
  let started = false;
  const trigger = (reason: string) => {
    if (started) return;
    started = true;
    const timer = setTimeout(() => {
      process.stderr.write(`shutdown (${reason}) did not finish in ${opts.timeoutMs ?? 30_000} ms; exiting\n`);
      process.exit(1);
    }, opts.timeoutMs ?? 30_000);
    timer.unref();
    fn(reason)
      .catch((e: unknown) => process.stderr.write(`error during shutdown: ${String(e)}\n`))
      .finally(() => {
        if (opts.exit !== false) process.exit(0);
      });
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(sig, () => trigger(sig));
  // Started by the supervisor with an IPC channel: if the supervisor dies (even by SIGKILL), the channel
  // closes and this process shuts down instead of becoming an orphan.
  if (process.send) process.once('disconnect', () => trigger('parent-gone'));
}

/** Runs an entrypoint; a ConfigError is printed as the list of bad variables and exits 2. */
export function runMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof ConfigError || e instanceof StartupError) {
      process.stderr.write(e.message + '\n');
      process.exit(e instanceof ConfigError ? 2 : 1);
    }
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'EADDRINUSE') {
      process.stderr.write(`${err.message}: the port is already in use (another boletoflow running?)\n`);
      process.exit(1);
    }
    process.stderr.write(`fatal: ${err?.stack ?? String(e)}\n`);
    process.exit(1);
  });
}
