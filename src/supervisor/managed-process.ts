/**
 * A child process the supervisor owns: started in its own process group (so a terminal Ctrl-C reaches only
 * the supervisor, which then stops children in order), restarted with backoff if it dies unexpectedly,
 * and stopped with SIGTERM → grace period → SIGKILL.
 */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../logging';

export interface ManagedProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Node children get an IPC channel so they notice the supervisor dying. */
  ipc?: boolean;
  /** Forward the child's stdout/stderr lines to this function instead of inheriting them. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  stopTimeoutMs?: number;
  /** What stop() sends first (default SIGTERM; PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals;
  /** Working directory (default: this process's). */
  cwd?: string;
  /** After this many crashes within a minute, give up (the supervisor then shuts everything down). */
  maxRestartsPerMinute?: number;
}

export class ManagedProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private crashes: number[] = [];
  private exitWaiters: (() => void)[] = [];

  constructor(
    private readonly spec: ManagedProcessSpec,
    private readonly logger: Logger,
    private readonly hooks: { onStart?: (pid: number) => void; onGiveUp: (name: string) => void },
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const s = this.spec;
    const options: SpawnOptions = {
      env: s.env ?? process.env,
      ...(s.cwd ? { cwd: s.cwd } : {}),
      detached: true,
      stdio: [
        'ignore',
        s.onLine ? 'pipe' : 'inherit',
        s.onLine ? 'pipe' : 'inherit',
        ...(s.ipc ? (['ipc'] as const) : []),
      ],
    };
    const child = spawn(s.command, s.args, options);
    this.child = child;
    if (s.onLine) {
      for (const [stream, name] of [
        [child.stdout, 'stdout'],
        [child.stderr, 'stderr'],
      ] as const) {
        if (stream) createInterface({ input: stream }).on('line', (l) => s.onLine?.(l, name));
      }
    }
    child.once('error', (err) => this.logger.error({ err, component: s.name }, 'could not start process'));
    child.once('spawn', () => child.pid !== undefined && this.hooks.onStart?.(child.pid));
    child.once('exit', (code, signal) => this.onExit(code, signal));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    waiters.forEach((w) => w());
    if (this.stopping) return;
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < 60_000), now];
    const max = this.spec.maxRestartsPerMinute ?? 5;
    if (this.crashes.length > max) {
      this.logger.error({ component: this.spec.name, code, signal }, `${this.spec.name} keeps crashing; giving up`);
      this.hooks.onGiveUp(this.spec.name);
      return;
    }
    const delay = Math.min(30_000, 500 * 2 ** (this.crashes.length - 1));
    this.logger.warn(
      { component: this.spec.name, code, signal, restartInMs: delay },
      `${this.spec.name} exited unexpectedly; restarting`,
    );
    setTimeout(() => !this.stopping && this.start(), delay).unref();
  }

  /** SIGTERM, wait, SIGKILL. Resolves when the process is gone. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    child.kill(this.spec.stopSignal ?? 'SIGTERM');
    const timeout = this.spec.stopTimeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      this.logger.warn({ component: this.spec.name }, `${this.spec.name} did not stop in ${timeout} ms; killing`);
      child.kill('SIGKILL');
    }, timeout);
    await gone;
    clearTimeout(timer);
  }
}
