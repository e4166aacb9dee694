/**
 * A small in-memory store with optional JSON persistence (so `npm start` restarts keep what the bank holds,
 * including its rotated tokens: a real bank does not forget). Writes are coalesced and atomic (tmp + rename).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Items by id, plus optional indexes on fields that never change after insert (e.g. a boleto's numbers), so that
 * look-ups stay constant-time however much the bank holds (the benchmark runs tens of thousands of boletos).
 */
export class MemoryStore<T extends { id: string }, I extends string = never> {
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<I, Map<string, T[]>>();

  constructor(private readonly indexKeys: Partial<Record<I, (t: T) => string | undefined>> = {}) {
    for (const name of Object.keys(indexKeys) as I[]) this.indexes.set(name, new Map());
  }

  insert(item: T): T {
    if (this.items.has(item.id)) throw new Error(`duplicate id ${item.id}`);
    this.items.set(item.id, item);
    for (const [name, index] of this.indexes) {
      const key = this.indexKeys[name]!(item);
      if (key === undefined) continue;
      const list = index.get(key);
      if (list) list.push(item);
      else index.set(key, [item]);
    }
    return item;
  }

  /** The items whose indexed field `index` equals `key`, in insertion order. */
  by(index: I, key: string): T[] {
    return this.indexes.get(index)?.get(key) ?? [];
  }

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  find(pred: (t: T) => boolean): T | undefined {
    for (const t of this.items.values()) if (pred(t)) return t;
    return undefined;
  }

  filter(pred: (t: T) => boolean): T[] {
    return [...this.items.values()].filter(pred);
  }

  values(): T[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
    for (const index of this.indexes.values()) index.clear();
  }
}

/**
 * Saves `snapshot()` to `file` at most once per `delayMs`; `flush()` writes now. A snapshot is the whole state, so
 * its cost grows with what the bank holds: the wait between saves grows with it (ten times the last save's
 * duration, at most 5 s), which keeps saving under a tenth of a core. Shutdown flushes, so a clean stop loses nothing.
 */
export class JsonPersistence<S> {
  private timer: NodeJS.Timeout | undefined;
  private lastFlushMs = 0;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => S,
    private readonly delayMs = 200,
  ) {}

  load(): S | undefined {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as S;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`cannot read simulator state ${this.file}: ${(e as Error).message}`, { cause: e });
    }
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), Math.min(5_000, Math.max(this.delayMs, 10 * this.lastFlushMs)));
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const started = performance.now();
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot()), { mode: 0o600 });
    renameSync(tmp, this.file);
    this.lastFlushMs = performance.now() - started;
  }
}
