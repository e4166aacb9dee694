/**
 * The worker's per-process BS2 token cache (CachedTokenSource): one upstream ask at a time, and the refresh ahead
 * that keeps bank calls from queueing behind the keeper every token lifetime. The upstream here is a controllable
 * token source (the keeper's own behaviour is tested on real Temporal in token-keeper.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { CachedTokenSource } from '../../../src/banks/bs2/keeper-client';
import type { AccessToken, Bs2TokenSource } from '../../../src/banks/bs2/tokens';

function upstream(clock: { now: number }) {
  const asks: { stale?: string; resolve: (t: AccessToken) => void; reject: (e: Error) => void }[] = [];
  let n = 0;
  const source: Bs2TokenSource = {
    accessToken: (o = {}) => new Promise<AccessToken>((resolve, reject) => asks.push({ ...o, resolve, reject })),
  };
  const issue = (i = asks.length - 1) =>
    asks[i]!.resolve({ accessToken: `t${++n}`, expiresAt: new Date(clock.now + 300_000).toISOString() });
  return { source, asks, issue };
}
const flush = () => new Promise((r) => setImmediate(r));

/** A cache holding token t1, issued at time 0 for 300 s. */
async function primed() {
  const clock = { now: 0 };
  const up = upstream(clock);
  const cache = new CachedTokenSource(up.source, () => clock.now);
  const first = cache.accessToken();
  await flush();
  up.issue();
  expect((await first).accessToken).toBe('t1');
  return { clock, up, cache };
}

describe('CachedTokenSource', () => {
  it('many callers, no token yet › one upstream ask, all get its token', async () => {
    const clock = { now: 0 };
    const up = upstream(clock);
    const cache = new CachedTokenSource(up.source, () => clock.now);
    const all = Promise.all([cache.accessToken(), cache.accessToken(), cache.accessToken()]);
    await flush();
    expect(up.asks).toHaveLength(1);
    up.issue();
    expect((await all).map((t) => t.accessToken)).toEqual(['t1', 't1', 't1']);
  });

  it('inside the refresh-ahead window › the current token is handed out at once while one background ask runs; then the new one', async () => {
    const { clock, up, cache } = await primed();
    clock.now = 300_000 - 40_000; // 40 s left: nothing to do yet
    expect((await cache.accessToken()).accessToken).toBe('t1');
    expect(up.asks).toHaveLength(1);
    clock.now = 300_000 - 27_000; // 27 s left: ask ahead, keep serving t1
    expect((await cache.accessToken()).accessToken).toBe('t1');
    expect((await cache.accessTokenWithin(2_000))?.accessToken).toBe('t1');
    expect(up.asks).toHaveLength(2);
    up.issue(1);
    await flush();
    expect((await cache.accessToken()).accessToken).toBe('t2');
    expect(up.asks).toHaveLength(2);
  });

  it('a background ask that fails › not repeated for 5 s; under 15 s left callers wait for a fresh token', async () => {
    const { clock, up, cache } = await primed();
    clock.now = 300_000 - 25_000;
    await cache.accessToken();
    expect(up.asks).toHaveLength(2);
    up.asks[1]!.reject(new Error('keeper unavailable'));
    await flush();
    clock.now += 1_000;
    expect((await cache.accessToken()).accessToken).toBe('t1'); // no new ask within 5 s
    expect(up.asks).toHaveLength(2);
    clock.now += 5_000;
    await cache.accessToken();
    expect(up.asks).toHaveLength(3);
    clock.now = 300_000 - 10_000; // too close to expiry: wait for the ask under way
    const waiting = cache.accessToken();
    up.issue(2);
    expect((await waiting).accessToken).toBe('t2');
  });

  it('the bank refused the token (stale) › asks upstream even when it looks valid', async () => {
    const { up, cache } = await primed();
    const renewed = cache.accessToken({ stale: 't1' });
    await flush();
    expect(up.asks[1]!.stale).toBe('t1');
    up.issue(1);
    expect((await renewed).accessToken).toBe('t2');
  });
});
