/**
 * PostgreSQL refuses to run as root. When we are root (CI, containers), its programs run as the `postgres` OS user
 * (Debian's postgresql package creates it): `setpriv` (util-linux) switches user and then execs the program, so the
 * child's pid is the program's own and signals reach it directly; `runuser` is the fallback. Not root: run as is.
 * `--pdeathsig` asks the kernel to signal the program if its parent (the supervisor) dies first.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
export const POSTGRES_OS_USER = 'postgres';

export interface RunAs {
  /** argv → [command, args] running it as the right user (with the parent-death signal where possible). */
  wrap(argv: string[], opts?: { deathSignal?: NodeJS.Signals }): [string, string[]];
  /** Who must own the data directory when we are root. */
  owner?: { uid: number; gid: number };
}

let cached: Promise<RunAs> | undefined;

export function postgresRunAs(): Promise<RunAs> {
  cached ??= (async (): Promise<RunAs> => {
    const hasSetpriv = await execFileP('setpriv', ['--version']).then(
      () => true,
      () => false,
    );
    const death = (sig?: NodeJS.Signals) => (hasSetpriv && sig ? [`--pdeathsig=${sig}`] : []);
    if (process.getuid?.() !== 0) {
      return {
        wrap: (argv, o) =>
          hasSetpriv && o?.deathSignal
            ? ['setpriv', [...death(o.deathSignal), '--', ...argv]]
            : [argv[0]!, argv.slice(1)],
      };
    }
    let uid: number, gid: number;
    try {
      uid = Number((await execFileP('id', ['-u', POSTGRES_OS_USER])).stdout.trim());
      gid = Number((await execFileP('id', ['-g', POSTGRES_OS_USER])).stdout.trim());
    } catch {
      throw new Error(
        `running as root, but PostgreSQL refuses to run as root and there is no '${POSTGRES_OS_USER}' OS user to run it as (useradd --system ${POSTGRES_OS_USER}, or install the postgresql package)`,
      );
    }
    return {
      owner: { uid, gid },
      wrap: (argv, o) =>
        hasSetpriv
          ? ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--init-groups', ...death(o?.deathSignal), '--', ...argv]]
          : ['runuser', ['-u', POSTGRES_OS_USER, '--', ...argv]],
    };
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}
