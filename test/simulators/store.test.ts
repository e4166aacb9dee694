/**
 * The simulators' state file (src/simulators/shared/store.ts): what a save writes is what load reads back, a big
 * save leaves the event loop free between chunks, items added during a save wait for the next one, and a flush
 * (shutdown) wins over a save in progress. Real files in a temporary folder.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonPersistence } from '../../src/simulators/shared/store';

interface State {
  counter: number;
  items: { id: string; n: number; text: string }[];
  missing?: string;
  pairs: [string, number][];
}

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'boletoflow-store-'));
  dirs.push(dir);
  return join(dir, 'nested', 'state.json');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `b${i}`, n: i, text: 'x'.repeat(200) }));
const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
};

describe('JsonPersistence', () => {
  it('a scheduled save writes what load reads back (undefined fields left out, as JSON.stringify does)', async () => {
    const file = tempFile();
    const state: State = { counter: 7, items: items(1_234), pairs: [['a', 1]] };
    const p = new JsonPersistence<State>(file, () => ({ ...state }), 10, 100);
    expect(p.load()).toBeUndefined();
    p.schedule();
    await waitFor(() => existsSync(file));
    await p.idle();
    expect(p.load()).toEqual({ counter: 7, items: state.items, pairs: [['a', 1]] });
    expect(readdirSync(join(file, '..'))).toEqual(['state.json']); // no temporary file left
  });

  it('a big save yields between chunks: timers keep firing while it runs', async () => {
    const file = tempFile();
    const state: State = { counter: 1, items: items(20_000), pairs: [] };
    const p = new JsonPersistence<State>(file, () => state, 1, 500);
    p.schedule();
    await new Promise((r) => setTimeout(r, 5)); // the save has started
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await p.idle();
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5); // 40 chunks: the loop was free between them
    expect(p.load()!.items).toHaveLength(20_000);
  });

  it('items added during a save are not in it; the change schedules the next save, which has them', async () => {
    const file = tempFile();
    const state: State = { counter: 1, items: items(5_000), pairs: [] };
    const p = new JsonPersistence<State>(file, () => ({ ...state, items: state.items }), 1, 200);
    p.schedule();
    await new Promise((r) => setTimeout(r, 3));
    state.items.push({ id: 'late', n: -1, text: '' });
    p.schedule(); // what the bank does on every change
    await p.idle();
    const first = p.load()!;
    expect(first.items.some((i) => i.id === 'late')).toBe(false);
    await waitFor(() => p.load()!.items.some((i) => i.id === 'late'));
    await p.idle();
    expect(p.load()!.items).toHaveLength(5_001);
  });

  it('flush during a save writes the current state and the save in progress is dropped', async () => {
    const file = tempFile();
    const state: State = { counter: 1, items: items(20_000), pairs: [] };
    const p = new JsonPersistence<State>(file, () => ({ ...state, items: state.items.slice() }), 1, 200);
    p.schedule();
    await new Promise((r) => setTimeout(r, 5));
    state.counter = 2;
    state.items.length = 10;
    p.flush();
    await p.idle();
    expect(p.load()).toMatchObject({ counter: 2 });
    expect(p.load()!.items).toHaveLength(10);
    expect(readdirSync(join(file, '..'))).toEqual(['state.json']);
  });
});
