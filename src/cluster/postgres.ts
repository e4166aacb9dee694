/**
 * The cluster's PostgreSQL: the machine's own server binaries (scripts/postgres-bin.sh: Debian's postgresql-15
 * here), a data directory under DATA_DIR/cluster/postgres made by initdb on the first run (into a sibling folder,
 * renamed into place when complete, so an interrupted first run leaves nothing half-made), and the postmaster as
 * a supervised child. The superuser and its password are docker-compose.yml's (`postgresql` service:
 * POSTGRES_USER / POSTGRES_PASSWORD), with password authentication on TCP, as the postgres image sets it up.
 */
import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { POSTGRES_OS_USER, postgresRunAs } from '../supervisor/run-as';
import { PROJECT_ROOT } from '../version';

const execFileP = promisify(execFile);

export async function postgresBinDir(): Promise<string> {
  try {
    const { stdout } = await execFileP('bash', [join(PROJECT_ROOT, 'scripts', 'postgres-bin.sh')], {
      encoding: 'utf8',
    });
    return stdout.trim();
  } catch (e) {
    throw new Error(
      `scripts/postgres-bin.sh found no PostgreSQL server: ${(e as { stderr?: string }).stderr?.trim() ?? String(e)}`,
      { cause: e },
    );
  }
}

function chownTree(dir: string, owner: { uid: number; gid: number }): void {
  chownSync(dir, owner.uid, owner.gid);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) chownTree(p, owner);
    else chownSync(p, owner.uid, owner.gid);
  }
}

/** As root the server runs as `postgres`, which must be able to walk down to the data directory. */
function assertReachable(dir: string): void {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the '${POSTGRES_OS_USER}' OS user here (we are root), and it cannot enter ${d}: set DATA_DIR to a folder outside it (or chmod o+x ${d})`,
      );
    }
    if (dirname(d) === d) return;
  }
}

/** initdb on the first run (returns true), nothing when the directory holds a cluster already. */
export async function ensureCluster(opts: {
  dataDir: string;
  binDir: string;
  user: string;
  password: string;
}): Promise<boolean> {
  if (existsSync(join(opts.dataDir, 'PG_VERSION'))) return false;
  if (existsSync(opts.dataDir) && readdirSync(opts.dataDir).length) {
    throw new Error(`${opts.dataDir} is not empty but holds no PostgreSQL cluster: move it away or remove it`);
  }
  const runAs = await postgresRunAs();
  const staging = `${opts.dataDir}.initdb`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(staging), { recursive: true, mode: 0o755 });
  if (runAs.owner) assertReachable(dirname(staging));
  mkdirSync(staging, { mode: 0o700 });
  const pwfile = join(dirname(staging), '.pg-initdb-password');
  writeFileSync(pwfile, opts.password, { mode: 0o600 });
  if (runAs.owner) {
    chownTree(staging, runAs.owner);
    chownSync(pwfile, runAs.owner.uid, runAs.owner.gid);
  }
  try {
    const [cmd, args] = runAs.wrap([
      join(opts.binDir, 'initdb'),
      '-D',
      staging,
      '-U',
      opts.user,
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    await new Promise<void>((ok, fail) => {
      const out: string[] = [];
      const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      c.stdout.on('data', (d: Buffer) => out.push(d.toString()));
      c.stderr.on('data', (d: Buffer) => out.push(d.toString()));
      c.once('error', fail);
      c.once('exit', (code) =>
        code === 0 ? ok() : fail(new Error(`initdb failed (${code}):\n${out.join('').slice(-4000)}`)),
      );
    });
  } finally {
    rmSync(pwfile, { force: true });
  }
  rmSync(opts.dataDir, { recursive: true, force: true });
  renameSync(staging, opts.dataDir);
  return true;
}

/** The postmaster's command line (as the right user; the kernel stops it if the supervisor dies). */
export async function postgresCommand(opts: {
  dataDir: string;
  binDir: string;
  port: number;
  host: string;
}): Promise<[string, string[]]> {
  const runAs = await postgresRunAs();
  return runAs.wrap(
    [
      join(opts.binDir, 'postgres'),
      '-D',
      opts.dataDir,
      '-p',
      String(opts.port),
      '-c',
      `listen_addresses=${opts.host}`,
      // The socket lives in the data directory (no /var/run/postgresql needed, nothing shared with a system server).
      '-c',
      `unix_socket_directories=${opts.dataDir}`,
      '-c',
      'max_connections=200',
    ],
    { deathSignal: 'SIGQUIT' },
  );
}
