/**
 * Named prepared statements for the store's writes: a `pg` client that gives each distinct write statement (INSERT,
 * UPDATE, DELETE, or a WITH that holds them) a name on its connection, so the server parses and plans it once per
 * connection and only binds and executes it afterwards. Reads stay unnamed: the list's filters are skewed (one
 * payer, one status among millions), and a custom plan per call is what they need.
 *
 * Why: planning, not writing, was most of the embedded server's CPU per statement. bench/records-statements.ts on
 * PGlite, one sitting, unnamed → named, server ms per operation: claim key 0.62 → 0.32, answer key 0.70 → 0.33,
 * record event 0.83 → 0.32, delivery outcome 0.23 → 0.13 (dropping twelve of the boletos indexes instead saved under
 * 0.1 ms). PostgreSQL saves the same planning, on its own cores.
 *
 * Names are unique per client (a random prefix, then a counter), because the embedded PGlite server is one backend
 * shared by every connection: two connections preparing the same name would collide there, and the statements of a
 * closed connection are deallocated by the embedded server's queue (pglite-queue.ts), not by a backend exiting.
 * At most MAX_NAMED statements per connection are named; the rest run unnamed.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Distinct named statements per connection (the store has a handful of write shapes; this bounds a surprise). */
export const MAX_NAMED = 64;

const WRITE = /^\s*(insert|update|delete|with)\b/i;
/** The server no longer accepts a prepared statement's plan (a migration changed what it reads): run it unnamed. */
const STALE_PLAN = new Set(['0A000', '26000']);

export class PreparedStatementsClient extends pg.Client {
  private readonly prefix = `bf${randomBytes(4).toString('hex')}_`;
  /** Statement text → its name, or null once it must run unnamed. */
  private readonly names = new Map<string, string | null>();

  private nameFor(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined) return known ?? undefined;
    if (this.names.size >= MAX_NAMED || !WRITE.test(text)) return undefined;
    const name = `${this.prefix}${this.names.size}`;
    this.names.set(text, name);
    return name;
  }

  // pg's overloads (string, config object, Submittable; promise or callback) are passed through untouched except a
  // write given as text with an array of values and no callback: the shape Kysely's dialect uses.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads are not expressible in one signature
  override query(...args: any[]): any {
    const [text, values, callback] = args as [unknown, unknown, unknown];
    const name =
      typeof text === 'string' && callback === undefined && (values === undefined || Array.isArray(values))
        ? this.nameFor(text)
        : undefined;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const base = (...a: any[]): any => (super.query as (...b: unknown[]) => unknown).apply(this, a);
    if (!name) return base(...(args as unknown[]));
    return (base({ name, text, values }) as Promise<pg.QueryResult>).catch((e: unknown) => {
      // The server refused the plan before running it: this text goes unnamed from now on, and runs again now unless
      // that was inside a transaction (which the error aborted: the caller retries the whole transaction).
      if (!STALE_PLAN.has((e as { code?: string }).code ?? '')) throw e;
      this.names.set(text as string, null);
      if (this.getTransactionStatus() !== 'I') throw e;
      return base(text, values) as Promise<pg.QueryResult>;
    });
  }
}
