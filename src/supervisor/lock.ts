/**
 * One supervisor per data folder: two dev servers on one SQLite file would corrupt it. The lock is a pid
 * file; a stale one (its process gone) is taken over. Child pids are recorded too, so a supervisor that was
 * SIGKILLed leaves nothing running that the next start does not clean up.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../process';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export class DataDirLock {
  private readonly file: string;
  private readonly childDir: string;

  constructor(readonly dataDir: string) {
    this.file = join(dataDir, 'boletoflow.pid');
    this.childDir = join(dataDir, 'run');
  }

  /** Throws with a clear message when a live supervisor holds the folder; kills orphans of a dead one. */
  async acquire(): Promise<void> {
    mkdirSync(this.childDir, { recursive: true });
    let holder = NaN;
    try {
      holder = Number(readFileSync(this.file, 'utf8').trim());
    } catch {
      /* no lock yet */
    }
    if (
      Number.isInteger(holder) &&
      holder !== process.pid &&
      alive(holder) &&
      /boletoflow|main\.(ts|js)/.test(cmdline(holder))
    ) {
      throw new StartupError(
        `cannot start: another boletoflow (pid ${holder}) is running on ${this.dataDir}; stop it first (Ctrl-C or kill -TERM ${holder})`,
      );
    }
    await this.stopOrphans();
    writeFileSync(this.file, String(process.pid));
  }

  recordChild(name: string, pid: number, marker: string): void {
    writeFileSync(join(this.childDir, `${name}.pid`), JSON.stringify({ pid, marker }));
  }

  forgetChild(name: string): void {
    rmSync(join(this.childDir, `${name}.pid`), { force: true });
  }

  /** Called after every child has stopped: nothing of ours is left running. */
  release(): void {
    rmSync(this.childDir, { recursive: true, force: true });
    rmSync(this.file, { force: true });
  }

  /**
   * SIGTERM (SQLite, PGlite and PostgreSQL close cleanly), then SIGKILL after 5 s, for each child a dead supervisor
   * left behind: clients first (API, workers), the servers they use last (`npm start`'s and `npm run cluster`'s).
   */
  private async stopOrphans(): Promise<void> {
    const order = ['api', 'worker', 'simulators', 'temporal-ui', 'records', 'temporal', 'postgres'];
    const rank = (name: string) => {
      const i = order.findIndex((o) => name === o || name.startsWith(`${o}-`));
      return i < 0 ? -1 : i;
    };
    const names = readdirSync(this.childDir)
      .filter((f) => f.endsWith('.pid'))
      .map((f) => f.slice(0, -'.pid'.length))
      .sort((a, b) => rank(a) - rank(b));
    for (const name of names) {
      const f = join(this.childDir, `${name}.pid`);
      let rec: { pid: number; marker: string } | undefined;
      try {
        rec = JSON.parse(readFileSync(f, 'utf8')) as { pid: number; marker: string };
      } catch {
        /* nothing recorded */
      }
      // Only a process that still looks like ours (pids get reused).
      if (rec && alive(rec.pid) && cmdline(rec.pid).includes(rec.marker)) {
        process.kill(rec.pid, 'SIGTERM');
        for (let i = 0; i < 50 && alive(rec.pid); i++) await new Promise((r) => setTimeout(r, 100));
        if (alive(rec.pid)) process.kill(rec.pid, 'SIGKILL');
      }
      rmSync(f, { force: true });
    }
  }
}
