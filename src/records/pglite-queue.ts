/**
 * The order in which the embedded store's clients reach PGlite, one backend shared by every connection.
 *
 * pglite-socket 0.2.17 multiplexes connections one protocol *message* at a time, and keeps a connection's turn only
 * inside a transaction. A `pg` query with parameters is a batch (Parse, Bind, Describe, Execute, Sync) on the
 * unnamed statement; if a batch arrives in two TCP reads, another connection's batch can run in between and
 * replace that statement ("bind message supplies 2 parameters, but prepared statement "" requires 1"), and one
 * internal PGlite failure leaves its queue stopped for good. This queue keeps the package's interface and fixes
 * both: a connection keeps the turn until its batch ends (Sync, a simple Query, Terminate) and while it is inside
 * a transaction; a failed message is answered with the failure and the queue goes on.
 * Installed in place of the package's own queue by embedded-server.ts (the version is pinned; the regression test
 * in test/records/embedded-server.test.ts splits a batch across reads).
 */
import type { PGlite } from '@electric-sql/pglite';

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (e: Error) => void;
  /** Maintenance (VACUUM, ANALYZE): run between clients' turns, never inside one. */
  job?: () => Promise<unknown>;
}

/** The handler id of maintenance jobs (clients' ids start at 1). */
const MAINTENANCE = -1;

/** True when, after this message, the connection's batch is over (a startup message has no type byte: its first byte is 0). */
const endsBatch = (m: Uint8Array): boolean => m[0] === SYNC || m[0] === QUERY || m[0] === TERMINATE || m[0] === 0;

export class BatchQueue {
  private queue: Queued[] = [];
  private processing = false;
  /** The connection whose turn it is (a batch or a transaction of its own in progress), if any. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length) {
        const i = this.owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.owner);
        if (i < 0) return; // the owner's next message has not arrived yet: everyone else waits
        const q = this.queue.splice(i, 1)[0]!;
        if (q.job) {
          await q.job().then(() => q.resolve(0), (e: unknown) => q.reject(e instanceof Error ? e : new Error(String(e))));
          continue;
        }
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(q.message, {
              onRawData: (d) => {
                bytes += d.length;
                q.onData(d);
              },
            }),
          );
          q.resolve(bytes);
        } catch (e) {
          q.reject(e instanceof Error ? e : new Error(String(e)));
        }
        this.owner = !endsBatch(q.message) || this.db.isInTransaction() ? q.handlerId : null;
      }
    } finally {
      this.processing = false;
    }
  }

  /** Runs `sql` when no client has the turn (so never inside a client's batch or transaction); resolves with its duration. */
  maintain(sql: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      this.queue.push({
        handlerId: MAINTENANCE,
        message: new Uint8Array(),
        onData: () => undefined,
        resolve: () => resolve(Math.round(performance.now() - t0)),
        reject,
        job: () => this.db.exec(sql),
      });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((q) => {
      if (q.handlerId !== handlerId) return true;
      q.reject(new Error('Handler disconnected'));
      return false;
    });
    if (this.owner === handlerId && !this.db.isInTransaction()) {
      this.owner = null;
      void this.process();
    }
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    await this.process();
  }
}
