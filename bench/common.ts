/**
 * Helpers shared by `npm run bench` and `npm run chaos`: ports, percentiles, process memory, and the results
 * files (JSON + Markdown under bench/results/, stamped with the commit and the machine's figures).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');

/** A port the OS says is free right now. */
export const freePort = (): Promise<number> =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]! : NaN;
};

/** Resident memory of a process in MB (from /proc); NaN when it is gone. */
export const rssMb = (pid: number | undefined): number => {
  if (pid === undefined) return NaN;
  try {
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
  } catch {
    return NaN;
  }
};

/** CPU time (user + system) a process has used, in seconds (from /proc); NaN when it is gone. */
export const cpuSeconds = (pid: number | undefined): number => {
  if (pid === undefined) return NaN;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
};

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses); undefined when gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** `pid` and every descendant of it that is alive now (from /proc); [] when `pid` is gone. */
export function processTree(pid: number | undefined): number[] {
  if (pid === undefined || Number.isNaN(pid) || !statFields(pid)) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (!f) continue;
    const ppid = Number(f[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/**
 * CPU time (user + system) of a process and all its descendants, in seconds (from /proc); NaN when it is gone.
 * Each live process counts its own time plus that of the children it has reaped (cutime + cstime), so a
 * short-lived descendant (a PostgreSQL backend, a restarted API process) is counted once, by whoever waited for it:
 * differences between two readings are the tree's CPU in between.
 */
export const cpuSecondsTree = (pid: number | undefined): number => {
  const tree = processTree(pid);
  if (!tree.length) return NaN;
  let ticks = 0;
  for (const p of tree) {
    const f = statFields(p);
    if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
  }
  return ticks / 100; // USER_HZ is 100 on Linux
};

/**
 * Memory of a process and all its descendants in MB: the sum of their PSS (/proc/<pid>/smaps_rollup: shared pages
 * split between the processes sharing them, so PostgreSQL's shared buffers are counted once, not once per
 * backend), VmRSS where smaps_rollup cannot be read; NaN when it is gone.
 */
export const rssMbTree = (pid: number | undefined): number => {
  const tree = processTree(pid);
  if (!tree.length) return NaN;
  let kb = 0;
  for (const p of tree) {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))![1]);
    } catch {
      const mb = rssMb(p);
      if (!Number.isNaN(mb)) kb += mb * 1024;
    }
  }
  return Math.round(kb / 1024);
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The checked-out commit (read from .git, no git binary needed; a worktree's .git file is followed); '' outside a checkout. */
export function gitCommit(): string {
  try {
    let gitDir = join(ROOT, '.git');
    if (statSync(gitDir).isFile())
      gitDir = readFileSync(gitDir, 'utf8')
        .replace(/^gitdir:\s*/, '')
        .trim();
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref:')) return head;
    const ref = head.slice(5).trim();
    for (const dir of [gitDir, join(gitDir, '..', '..')]) {
      try {
        return readFileSync(join(dir, ref), 'utf8').trim();
      } catch {
        /* a worktree keeps its branches in the main repository */
      }
    }
    return '';
  } catch {
    return '';
  }
}

export const machine = (): { cpus: number; cpuModel: string; memGiB: number; node: string } => ({
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model.trim() ?? '',
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
});

/** Where the bench and the chaos suite keep their results (committed: the docs link to them). */
const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** Writes bench/results/<prefix>-<timestamp>.{json,md}; returns both paths. */
export function writeResults(
  prefix: string,
  json: unknown,
  markdownBody: string,
  title: string,
): { json: string; md: string } {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const paths = { json: join(RESULTS_DIR, `${prefix}-${stamp}.json`), md: join(RESULTS_DIR, `${prefix}-${stamp}.md`) };
  writeFileSync(paths.json, JSON.stringify(json, null, 2) + '\n');
  writeFileSync(
    paths.md,
    `# ${title} ${stamp}\n\ncommit ${gitCommit()}; ${JSON.stringify(machine())}\n\n${markdownBody}\n`,
  );
  return paths;
}
