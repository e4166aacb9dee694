/**
 * The order in which the embedded store's clients reach PGlite, one backend shared by every connection.
 *
 * pglite-socket 0.2.17 multiplexes connections one protocol *message* at a time, and keeps a connection's turn only
 * inside a transaction. A `pg` query with parameters is a batch (Parse, Bind, Describe, Execute, Sync) on the
 * unnamed statement; if a batch arrives in two TCP reads, another connection's batch can run in between and
 * replace that statement ("bind message supplies 2 parameters, but prepared statement "" requires 1"), and one
 * internal PGlite failure leaves its queue stopped for good. This queue keeps the package's interface and fixes
 * both: a connection's batch runs whole, in one call into PGlite (its messages are held until the batch ends: Sync,
 * Flush, a simple Query, CopyDone/CopyFail, Terminate), a connection keeps the turn while it is inside a
 * transaction (or after a Flush), and a failed batch is answered with the failure and the queue goes on. One call
 * into PGlite per batch instead of one per message is also less CPU here: 5–17% less per statement of the
 * bench's registration path (bench/records-statements.ts, one sitting: 0.88 → 0.80 ms, 0.93 → 0.77, 0.93 → 0.87,
 * 0.40 → 0.38), and its answer leaves in one socket write.
 * Named prepared statements live in that one backend, not in a connection: the queue notes the names each
 * connection's Parse messages create (and its Close messages drop), and deallocates what is left when the
 * connection goes, as a backend exiting would have (the store's clients name their writes: prepared.ts).
 * Installed in place of the package's own queue by embedded-server.ts (the version is pinned; the regression test
 * in test/records/embedded-server.test.ts splits a batch across reads).
 */
import type { PGlite } from '@electric-sql/pglite';

const SYNC = 0x53; // 'S'
const FLUSH = 0x48; // 'H': the client waits for what its batch produced so far, and goes on after
const QUERY = 0x51; // 'Q'
const COPY_DONE = 0x63; // 'c'
const COPY_FAIL = 0x66; // 'f'
const TERMINATE = 0x58; // 'X'
const PARSE = 0x50; // 'P'
const CLOSE = 0x43; // 'C'
const STATEMENT = 0x53; // 'S' (what a Close closes: a statement, or 'P' a portal)

interface Queued {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (e: Error) => void;
  /** The batch ended with a Flush: the client goes on with the same batch, so it keeps the turn. */
  flushed?: boolean;
  /** Maintenance (VACUUM, ANALYZE): run between clients' turns, never inside one. */
  job?: () => Promise<unknown>;
}

/** The handler id of maintenance jobs (clients' ids start at 1). */
const MAINTENANCE = -1;

/**
 * True when the client waits for an answer after this message, so what it sent so far runs now (a startup message
 * has no type byte: its first byte is 0).
 */
const runsBatch = (m: Uint8Array): boolean => [SYNC, FLUSH, QUERY, COPY_DONE, COPY_FAIL, TERMINATE, 0].includes(m[0]!);

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A NUL-terminated string of a protocol message. */
const cstring = (m: Uint8Array, at: number): string =>
  Buffer.from(m.buffer, m.byteOffset + at, Math.max(0, m.indexOf(0, at) - at)).toString('utf8');

/**
 * The named statements a batch prepares (Parse) and drops (Close 'S'), in order. A batch is whole messages (the
 * socket handler splits them by length): type byte, int32 length (itself included), body.
 */
export function statementNames(batch: Uint8Array): { name: string; parsed: boolean }[] {
  const out: { name: string; parsed: boolean }[] = [];
  if (batch[0] === 0) return out; // a startup message has no type byte
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  for (let at = 0; at + 5 <= batch.length; at += 1 + view.getInt32(at + 1)) {
    const type = batch[at];
    if (type === PARSE) {
      const name = cstring(batch, at + 5);
      if (name) out.push({ name, parsed: true });
    } else if (type === CLOSE && batch[at + 5] === STATEMENT) {
      const name = cstring(batch, at + 6);
      if (name) out.push({ name, parsed: false });
    }
    if (view.getInt32(at + 1) < 4) break; // malformed: PGlite answers it; nothing more to read here
  }
  return out;
}

/** A prepared statement's name as an SQL identifier. */
const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export class BatchQueue {
  private queue: Queued[] = [];
  private processing = false;
  /** The connection whose turn it is (a batch or a transaction of its own in progress), if any. */
  private owner: number | null = null;
  /** Each connection's messages of a batch not yet over. */
  private readonly held = new Map<number, Uint8Array[]>();
  /** The named statements each connection has prepared (deallocated when it goes). */
  private readonly prepared = new Map<number, Set<string>>();

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const held = this.held.get(handlerId);
    if (!runsBatch(message)) {
      // Part of a batch: held (the socket handler goes on reading); its answer comes with the batch's.
      if (held) held.push(message);
      else this.held.set(handlerId, [message]);
      return Promise.resolve(0);
    }
    this.held.delete(handlerId);
    // A Terminate runs alone (PGlite reads it only as a buffer's first message); a batch it cut short is dropped.
    const batch = held && message[0] !== TERMINATE ? concat([...held, message]) : message;
    this.notePrepared(handlerId, batch);
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message: batch, onData, resolve, reject, flushed: message[0] === FLUSH });
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
          await q.job().then(
            () => q.resolve(0),
            (e: unknown) => q.reject(e instanceof Error ? e : new Error(String(e))),
          );
          continue;
        }
        // PGlite hands each flush of its output as a view into its memory: copied, and sent as one write.
        const out: Uint8Array[] = [];
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(q.message, { onRawData: (d) => out.push(d.slice()) }),
          );
          const answer = out.length === 1 ? out[0]! : concat(out);
          if (answer.length) q.onData(answer);
          q.resolve(answer.length);
        } catch (e) {
          q.reject(e instanceof Error ? e : new Error(String(e)));
        }
        this.owner = q.flushed || this.db.isInTransaction() ? q.handlerId : null;
      }
    } finally {
      this.processing = false;
    }
  }

  /** Runs `sql` when no client has the turn (so never inside a client's batch or transaction); resolves with its duration. */
  maintain(sql: string): Promise<number> {
    const t0 = performance.now();
    return this.maintainJob(() => this.db.exec(sql)).then(() => Math.round(performance.now() - t0));
  }

  private notePrepared(handlerId: number, batch: Uint8Array): void {
    for (const { name, parsed } of statementNames(batch)) {
      let names = this.prepared.get(handlerId);
      if (parsed) {
        if (!names) this.prepared.set(handlerId, (names = new Set()));
        names.add(name);
      } else names?.delete(name);
    }
  }

  /** The named statements `handlerId` left behind, deallocated between turns (one that never got created is skipped). */
  private deallocate(handlerId: number): void {
    const names = this.prepared.get(handlerId);
    this.prepared.delete(handlerId);
    if (!names?.size) return;
    const list = [...names].map((n) => `'${n.replace(/'/g, "''")}'`).join(', ');
    void this.maintainJob(async () => {
      const { rows } = await this.db.query<{ name: string }>(
        `SELECT name FROM pg_prepared_statements WHERE name IN (${list})`,
      );
      for (const { name } of rows) await this.db.exec(`DEALLOCATE ${ident(name)}`);
    }).catch(() => undefined);
  }

  private maintainJob<T>(job: () => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      let result: T;
      this.queue.push({
        handlerId: MAINTENANCE,
        message: new Uint8Array(),
        onData: () => undefined,
        resolve: () => resolve(result),
        reject,
        job: async () => {
          result = await job();
        },
      });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.held.delete(handlerId);
    this.deallocate(handlerId);
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
