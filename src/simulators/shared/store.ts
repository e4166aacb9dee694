/**
 * A small in-memory store with optional JSON persistence (so `npm start` restarts keep what the bank holds,
 * including its rotated tokens: a real bank does not forget). Writes are coalesced and atomic (tmp + rename).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class MemoryStore<T extends { id: string }> {
  private readonly items = new Map<string, T>();

  insert(item: T): T {
    if (this.items.has(item.id)) throw new Error(`duplicate id ${item.id}`);
    this.items.set(item.id, item);
    return item;
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
  }
}

/** Saves `snapshot()` to `file` at most once per `delayMs`; `flush()` writes now. */
export class JsonPersistence<S> {
  private timer: NodeJS.Timeout | undefined;

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
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot()), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
