/**
 * The API-key cache's timing rules (src/api/auth.ts) with a registry whose answers the test releases by hand and a
 * clock it moves: refresh ahead without making requests wait, wait only past the TTL, never use a snapshot older
 * than the TTL (revocation bound), unknown key ids refreshed at once but rate-limited. The real registry behind it
 * is exercised by the API tests (test/api/*.test.ts) on a Temporal server.
 */
import { describe, expect, it } from 'vitest';
import { AccessCache } from '../../src/api/auth';
import type { AccessSnapshot, ApiKeyRecord } from '../../src/contracts/access';

const key = (keyId: string, revokedAt?: string): ApiKeyRecord => ({
  keyId,
  tenantId: 't',
  role: 'integrator',
  secretHash: 'h',
  createdAt: '2026-11-23T00:00:00Z',
  ...(revokedAt ? { revokedAt } : {}),
});
const snap = (version: number, keys: ApiKeyRecord[]): AccessSnapshot => ({ version, tenants: [], keys });

/** A registry whose queries stay pending until the test answers them. */
function registry() {
  const pending: { resolve: (s: AccessSnapshot) => void; reject: (e: Error) => void }[] = [];
  return {
    pending,
    source: { snapshot: () => new Promise<AccessSnapshot>((resolve, reject) => pending.push({ resolve, reject })) },
    answer(s: AccessSnapshot) {
      pending.shift()!.resolve(s);
    },
    fail() {
      pending.shift()!.reject(new Error('registry down'));
    },
  };
}

const settled = async <T>(p: Promise<T>): Promise<{ done: boolean; value?: T }> => {
  const marker = Symbol('pending');
  const r = await Promise.race([p, new Promise<typeof marker>((res) => setTimeout(() => res(marker), 10))]);
  return r === marker ? { done: false } : { done: true, value: r as T };
};

describe('AccessCache', () => {
  const setup = () => {
    let now = 1_000_000;
    const reg = registry();
    const cache = new AccessCache(reg.source, {
      ttlMs: 5_000,
      refreshAheadMs: 3_000,
      minRefreshMs: 1_000,
      now: () => now,
    });
    return { reg, cache, advance: (ms: number) => (now += ms) };
  };
  /** A cache holding a first snapshot with key k1. */
  const primed = async () => {
    const t = setup();
    const first = t.cache.find('k1');
    t.reg.answer(snap(1, [key('k1')]));
    await first;
    return t;
  };

  it('waits for the first snapshot, then answers from memory without asking the registry', async () => {
    const { reg, cache, advance } = setup();
    const first = cache.find('k1');
    expect(reg.pending).toHaveLength(1);
    reg.answer(snap(1, [key('k1')]));
    expect((await first)?.keyId).toBe('k1');
    advance(2_999);
    expect((await cache.find('k1'))?.keyId).toBe('k1');
    expect(reg.pending).toHaveLength(0);
  });

  it('past the refresh-ahead age, answers at once from the snapshot and refreshes once in the background', async () => {
    const { reg, cache, advance } = await primed();
    advance(3_500);
    const during = await settled(Promise.all([cache.find('k1'), cache.find('k1'), cache.find('k1')]));
    expect(during.done).toBe(true); // nobody waited for the registry
    expect(reg.pending).toHaveLength(1); // one refresh for the three requests
    reg.answer(snap(2, [key('k1', '2026-11-23T00:00:03Z')]));
    await new Promise((r) => setTimeout(r, 0));
    expect((await cache.find('k1'))?.revokedAt).toBeDefined(); // the refreshed snapshot is in use
    expect(reg.pending).toHaveLength(0);
  });

  it('never uses a snapshot older than the TTL: past it, requests wait for the registry', async () => {
    const { reg, cache, advance } = await primed();
    advance(5_001);
    const late = cache.find('k1');
    expect((await settled(late)).done).toBe(false);
    reg.answer(snap(2, [key('k1', '2026-11-23T00:00:04Z')]));
    expect((await late)?.revokedAt).toBeDefined();
  });

  it("a failed background refresh fails no request and is retried at most once per minRefreshMs; past the TTL the failure is the request's", async () => {
    const { reg, cache, advance } = await primed();
    advance(3_100);
    expect((await cache.find('k1'))?.keyId).toBe('k1');
    reg.fail();
    await new Promise((r) => setTimeout(r, 0));
    advance(500);
    expect((await cache.find('k1'))?.keyId).toBe('k1');
    expect(reg.pending).toHaveLength(0); // within minRefreshMs of the failed attempt
    advance(600);
    expect((await cache.find('k1'))?.keyId).toBe('k1');
    expect(reg.pending).toHaveLength(1);
    reg.fail();
    await new Promise((r) => setTimeout(r, 0));
    advance(1_000); // 5,200 ms old
    const expired = cache.find('k1');
    reg.fail();
    await expect(expired).rejects.toThrow('registry down');
  });

  it('an unknown key id refreshes at once when the snapshot is old enough, and waits out minRefreshMs otherwise', async () => {
    const { reg, cache, advance } = await primed();
    advance(1_500);
    const newKey = cache.find('k2');
    await new Promise((r) => setTimeout(r, 0));
    expect(reg.pending).toHaveLength(1);
    reg.answer(snap(2, [key('k1'), key('k2')]));
    expect((await newKey)?.keyId).toBe('k2');
    // Just refreshed: a made-up id right after a fetch-on-expiry is not fetched again.
    advance(5_001);
    const made = cache.find('nope');
    reg.answer(snap(3, [key('k1'), key('k2')]));
    expect(await made).toBeUndefined();
    expect(reg.pending).toHaveLength(0);
  });
});
