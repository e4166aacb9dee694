/**
 * Real, throwaway PostgreSQL servers for tests (never a mock): binaries from scripts/postgres-bin.sh, a fresh
 * `initdb` cluster in a temp dir, `postgres` on a free 127.0.0.1 port with durability off for speed.
 *
 * One server is shared per vitest run (test/global-setup.ts provides its URL as `postgresUrl`); a test file
 * calls `testDatabase()` for a database of its own on it. `startPostgres()` gives a private server.
 *
 * PostgreSQL refuses to run as root (CI runs as root): then the cluster belongs to, and the server runs as,
 * the `postgres` OS user. Servers die with the process that started them: `setpriv --pdeathsig` where
 * available, plus a synchronous kill on process exit; temp dirs left by a killed process are swept next time.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { postgresRunAs, type RunAs } from '../../src/supervisor/run-as';
import { freePort } from './processes';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL (database `postgres`) of the server test/global-setup.ts started for this run. */
    postgresUrl: string;
  }
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres (superuser, trust auth). */
  url: string;
  port: number;
  /** CREATE DATABASE with a unique name (`<prefix>_…`); returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Fast shutdown (`immediate`: no shutdown checkpoint) and removal of the cluster's temp dir. Idempotent. */
  stop(opts?: { immediate?: boolean }): Promise<void>;
}

const ROOT = join(dirname(__filename), '..', '..'); // __filename: also right when tsx loads this file from ESM
const DIR_PREFIX = 'boletoflow-pg-';
const STARTUP_TIMEOUT_MS = 30_000;
const LOG_TAIL_BYTES = 8_000;
/** Durability off: a test cluster is thrown away anyway. */
const FAST_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200' };

const execFileP = promisify(execFile);

let binDir: Promise<string> | undefined;
/** The directory holding initdb/pg_ctl/postgres (installs them when root with apt, see the script). */
export function postgresBinDir(): Promise<string> {
  binDir ??= execFileP('bash', [join(ROOT, 'scripts', 'postgres-bin.sh')], { encoding: 'utf8' }).then(
    ({ stdout }) => stdout.trim(),
    (e: Error & { stderr?: string }) => {
      binDir = undefined;
      throw new Error(`scripts/postgres-bin.sh failed: ${e.stderr?.trim() || e.message}`);
    },
  );
  return binDir;
}

// ---- running as the right user: src/supervisor/run-as.ts (the cluster's PostgreSQL uses the same rule) -------

/** The parent-death signal asks the kernel to stop the postmaster (immediate shutdown) if we die first. */
const DEATH = { deathSignal: 'SIGQUIT' as const };

// ---- temp dirs ----------------------------------------------------------------------------------------------

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

/** A base the `postgres` user can traverse when we are root (os.tmpdir() unless some ancestor is closed). */
function tempBase(asRoot: boolean): string {
  const base = tmpdir();
  if (!asRoot) return base;
  for (let d = base; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return '/tmp';
    if (dirname(d) === d) return base;
  }
}

/** Removes clusters whose owning process died without cleaning up (killed test runs). */
function sweepStale(base: string): void {
  let entries: string[];
  try {
    entries = readdirSync(base).filter((e) => e.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = join(base, e);
    const owner = readPid(join(dir, 'owner.pid'));
    if (owner === undefined || pidAlive(owner)) continue;
    const postmaster = readPid(join(dir, 'data', 'postmaster.pid'));
    if (postmaster !== undefined && pidAlive(postmaster)) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      /* someone else's, or racing another sweep */
    }
  }
}

// ---- process-exit safety net --------------------------------------------------------------------------------

interface Live {
  child: ChildProcess;
  dataDir: string;
  dir: string;
}
const live = new Set<Live>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const s of live) {
      // Synchronous only: immediate shutdown, then best-effort removal (a later sweep catches leftovers).
      signal(s, 'SIGQUIT');
      try {
        rmSync(s.dir, { recursive: true, force: true });
      } catch {
        /* still being written by the dying server */
      }
    }
    live.clear();
  });
}

/** Signals the postmaster (its pid from postmaster.pid, so it also works through runuser), else our child. */
function signal(s: Live, sig: NodeJS.Signals): void {
  const pm = readPid(join(s.dataDir, 'postmaster.pid'));
  for (const pid of [pm, s.child.pid]) {
    if (pid === undefined || !Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

// ---- the server ---------------------------------------------------------------------------------------------

function tail(chunks: string[]): string {
  const text = chunks.join('');
  return text.length > LOG_TAIL_BYTES ? '…' + text.slice(-LOG_TAIL_BYTES) : text;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const out: string[] = [];
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => out.push(c.toString()));
    child.stderr.on('data', (c: Buffer) => out.push(c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output: tail(out) }));
  });
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => (clearTimeout(t), resolve(true)));
  });
}

let dbCounter = 0;
function uniqueDbName(prefix: string): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .replace(/^[^a-z_]/, '_$&')
      .slice(0, 30) || 'test';
  return `${clean}_${process.pid}_${++dbCounter}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Starts a fresh PostgreSQL server on 127.0.0.1 (`opts.port`, or a free one) and resolves once it accepts
 * connections. Always `stop()` it; if the process dies first, the server is killed with it.
 */
export async function startPostgres(opts: { port?: number } = {}): Promise<PostgresServer> {
  const [bin, as] = await Promise.all([postgresBinDir(), postgresRunAs()]);
  const base = tempBase(as.owner !== undefined);
  sweepStale(base);
  const dir = mkdtempSync(join(base, DIR_PREFIX)); // mode 0700
  writeFileSync(join(dir, 'owner.pid'), `${process.pid}\n`);
  if (as.owner) chownSync(dir, as.owner.uid, as.owner.gid);
  const dataDir = join(dir, 'data');
  const cleanupDir = () => rmSync(dir, { recursive: true, force: true });

  try {
    const [initCmd, initArgs] = as.wrap(
      [join(bin, 'initdb'), '-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      DEATH,
    );
    const init = await run(initCmd, initArgs, dir);
    if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}):\n${init.output}`);

    // A port picked free can be taken before postgres binds it: retry a few times with a fresh one.
    for (let attempt = 1; ; attempt++) {
      const port = opts.port ?? (await freePort());
      try {
        return await launch(bin, as, dir, dataDir, port);
      } catch (e) {
        if (opts.port !== undefined || attempt >= 5 || !(e instanceof PortInUse)) throw e;
      }
    }
  } catch (e) {
    cleanupDir();
    throw e;
  }
}

class PortInUse extends Error {}

async function launch(bin: string, as: RunAs, dir: string, dataDir: string, port: number): Promise<PostgresServer> {
  const settings = Object.entries(FAST_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const [cmd, args] = as.wrap(
    [join(bin, 'postgres'), '-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', dir, ...settings],
    DEATH,
  );
  const log: string[] = [];
  let logBytes = 0;
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (c: Buffer) => {
    log.push(c.toString());
    logBytes += c.length;
    while (logBytes > 4 * LOG_TAIL_BYTES && log.length > 1) logBytes -= log.shift()!.length;
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', (e) => (spawnError = e));
  const entry: Live = { child, dataDir, dir };
  live.add(entry);
  installExitHook();

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  let stopping: Promise<void> | undefined;
  const stop = ({ immediate = false } = {}): Promise<void> =>
    (stopping ??= (async () => {
      child.ref();
      if (!exited(child)) {
        signal(entry, immediate ? 'SIGQUIT' : 'SIGINT'); // immediate or fast shutdown
        if (!(await waitExit(child, immediate ? 1_000 : 10_000))) {
          signal(entry, 'SIGQUIT'); // immediate shutdown
          if (!(await waitExit(child, 5_000))) signal(entry, 'SIGKILL');
          await waitExit(child, 5_000);
        }
      }
      live.delete(entry);
      rmSync(dir, { recursive: true, force: true });
    })());

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (spawnError || exited(child)) {
      await waitExit(child, 1_000);
      live.delete(entry);
      const output = tail(log);
      if (/could not bind|Address already in use/i.test(output)) throw new PortInUse(`port ${port} in use:\n${output}`);
      throw new Error(
        `postgres exited during startup (${spawnError?.message ?? `exit ${child.exitCode ?? child.signalCode}`}):\n${output}`,
      );
    }
    if (await canConnect(url)) break;
    if (Date.now() > deadline) {
      await stop().catch(() => {});
      throw new Error(`postgres did not accept connections on ${url} within ${STARTUP_TIMEOUT_MS} ms:\n${tail(log)}`);
    }
    await sleep(50);
  }

  // Do not keep the event loop alive for the server: the exit hook kills it if the process ends without stop().
  child.unref();
  for (const s of [child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();

  return {
    url,
    port,
    createDatabase: (prefix = 'test') => createDatabaseOn(url, prefix),
    stop,
  };
}

// ---- per-file databases on the shared server ----------------------------------------------------------------

let ownServer: Promise<PostgresServer> | undefined;

/**
 * A fresh, empty database for the calling test file on the run's shared server (test/global-setup.ts); its URL.
 * Without a shared server (a file run under another config) it starts one for this process, stopped at exit.
 */
export async function testDatabase(prefix = 'test'): Promise<string> {
  // Imported here, not at the top: vitest cannot be loaded outside a test run, and startPostgres() is also
  // useful to scripts (bench, tsx one-offs).
  const { inject } = await import('vitest');
  const shared = inject('postgresUrl') as string | undefined;
  if (shared) return createDatabaseOn(shared, prefix);
  if (!ownServer) {
    ownServer = startPostgres();
    ownServer.catch(() => (ownServer = undefined));
    stopOwnServerOnSigterm();
  }
  return (await ownServer).createDatabase(prefix);
}

/**
 * vitest ends a fork worker with SIGTERM (SIGKILL 500 ms later), which skips 'exit' handlers: stop the
 * server then, and die of the signal as we would have (unless someone else handles SIGTERM).
 */
let sigtermHooked = false;
function stopOwnServerOnSigterm(): void {
  if (sigtermHooked) return;
  sigtermHooked = true;
  const onTerm = () => {
    process.off('SIGTERM', onTerm);
    void Promise.resolve(ownServer)
      .then((s) => s?.stop({ immediate: true }))
      .catch(() => {})
      .finally(() => {
        if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
      });
  };
  process.on('SIGTERM', onTerm);
}

async function createDatabaseOn(adminUrl: string, prefix: string): Promise<string> {
  const name = uniqueDbName(prefix);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
