/**
 * A small in-memory store with optional JSON persistence (so `npm start` restarts keep what the bank holds,
 * including its rotated tokens: a real bank does not forget). Writes are coalesced, written in chunks and atomic
 * (tmp + rename).
 */
import { createWriteStream, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
 * Saves `snapshot()` to `file` (tmp + rename), coalescing changes. The snapshot is the whole state and grows with what
 * the bank holds (the benchmark leaves ~15,000 boletos: ~10 MB of JSON, 70–400 ms to stringify at once), so a save
 * does not block the event loop for all of it: top-level arrays are copied when the save starts (what they hold then
 * is what is saved) and written a few hundred items at a time between turns of the event loop, while the bank goes
 * on answering. An item changed during a save is saved as it is when its turn comes, and the change schedules the
 * next save. The wait between saves is ten times the last save's working time (at least `delayMs`, at most 5 s),
 * which keeps saving under a tenth of a core. `flush()` (shutdown) writes everything at once and wins over a save
 * in progress, so a clean stop loses nothing; a crash in the middle of a save leaves the previous file.
 */
export class JsonPersistence<S extends object> {
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private dirty = false;
  private lastWorkMs = 0;
  /** Bumped by flush(): a save in progress that sees another generation drops its file. */
  private generation = 0;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => S,
    private readonly delayMs = 200,
    private readonly chunkItems = 500,
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
    this.dirty = true;
    if (this.timer || this.saving) return;
    this.timer = setTimeout(() => void this.save(), Math.min(5_000, Math.max(this.delayMs, 10 * this.lastWorkMs)));
    this.timer.unref();
  }

  /** Resolves when no save is in progress (tests). */
  async idle(): Promise<void> {
    while (this.saving) await this.saving;
  }

  private save(): Promise<void> {
    this.timer = undefined;
    this.dirty = false;
    const generation = this.generation;
    const saving = this.writeInChunks(generation)
      .catch(() => {
        this.dirty = true; // e.g. disk full: tried again after the next wait
      })
      .finally(() => {
        this.saving = undefined;
        if (this.dirty) this.schedule();
      });
    this.saving = saving;
    return saving;
  }

  private async writeInChunks(generation: number): Promise<void> {
    let workMs = 0;
    const work = <T>(fn: () => T): T => {
      const t = performance.now();
      try {
        return fn();
      } finally {
        workMs += performance.now() - t;
      }
    };
    // Membership as of now: arrays are copied, other values serialised at once (they are small).
    const parts = work(() =>
      Object.entries(this.snapshot()).flatMap(
        ([k, v]): ({ key: string; items: unknown[] } | { key: string; json: string })[] =>
          v === undefined
            ? []
            : Array.isArray(v)
              ? [{ key: k, items: v.slice() }]
              : [{ key: k, json: JSON.stringify(v) }],
      ),
    );
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.saving`;
    const out = createWriteStream(tmp, { mode: 0o600 });
    const closed = new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.once('close', resolve);
    });
    const write = async (text: string) => {
      if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
    };
    try {
      for (const [i, part] of parts.entries()) {
        await write(`${i ? ',' : '{'}${JSON.stringify(part.key)}:`);
        if ('json' in part) {
          await write(part.json);
          continue;
        }
        await write('[');
        for (let from = 0; from < part.items.length; from += this.chunkItems) {
          const chunk = work(() =>
            part.items
              .slice(from, from + this.chunkItems)
              .map((item) => JSON.stringify(item) ?? 'null')
              .join(','),
          );
          await write(from ? `,${chunk}` : chunk);
          await new Promise((r) => setImmediate(r)); // let the bank answer between chunks
          if (generation !== this.generation) break;
        }
        await write(']');
        if (generation !== this.generation) break;
      }
      await write(parts.length ? '}' : '{}');
    } finally {
      out.end();
      await closed;
    }
    this.lastWorkMs = workMs;
    if (generation === this.generation) renameSync(tmp, this.file);
    else rmSync(tmp, { force: true });
  }

  /** Writes the whole state now, synchronously (shutdown); a save in progress is dropped. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.generation++;
    this.dirty = false;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot()), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
