/**
 * What keeps unauthenticated bank webhooks cheap. A BS2 webhook without the agreed Authorization (none configured)
 * is only a hint, as is an Itaú Pix webhook (its mTLS is not terminated here): the boleto's workflow asks the bank
 * instead of trusting the body. Anyone can send one, so each
 * would cost a signal and a bank call: per source they are rate-limited, and per boleto repeated hints are merged
 * into one signal per window (one bank look-up), the last one sent when the window closes so nothing is lost.
 * In memory, per API process: bounds the cost per process, which is what an attacker can multiply by.
 */

/** Fixed-window counter per key (a source address). */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; n: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one call; undefined when allowed, else the seconds until the window reopens (Retry-After). */
  take(key: string): number | undefined {
    const now = this.now();
    if (this.windows.size > 10_000)
      for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) this.windows.set(key, (w = { start: now, n: 0 }));
    w.n += 1;
    return w.n <= this.limit ? undefined : Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
  }
}

/** At most one send per key per window: the first at once, later ones merged into one at the window's end. */
export class HintCoalescer {
  private readonly keys = new Map<string, { sentAt: number; pending?: () => Promise<void> }>();

  constructor(
    private readonly windowMs: number,
    private readonly onError: (key: string, err: unknown) => void,
  ) {}

  /** 'sent' when `send` ran now (awaited: its failure is the caller's), 'merged' when it will run (or was replaced). */
  async offer(key: string, send: () => Promise<void>): Promise<'sent' | 'merged'> {
    const now = Date.now();
    const entry = this.keys.get(key);
    if (entry && now - entry.sentAt < this.windowMs) {
      // Only the latest hint is sent: the workflow asks the bank either way, the body is not trusted.
      if (!entry.pending) setTimeout(() => void this.flush(key), entry.sentAt + this.windowMs - now).unref();
      entry.pending = send;
      return 'merged';
    }
    this.keys.set(key, { sentAt: now });
    try {
      await send();
    } catch (e) {
      this.keys.delete(key); // not sent: the next hint goes through at once
      throw e;
    }
    this.forgetWhenQuiet(key);
    return 'sent';
  }

  /** The map holds only keys hinted at within the last window. */
  private forgetWhenQuiet(key: string): void {
    setTimeout(() => {
      const e = this.keys.get(key);
      if (e && !e.pending && Date.now() - e.sentAt >= this.windowMs) this.keys.delete(key);
    }, this.windowMs + 10).unref();
  }

  private async flush(key: string): Promise<void> {
    const entry = this.keys.get(key);
    const send = entry?.pending;
    if (!entry || !send) return;
    entry.pending = undefined;
    entry.sentAt = Date.now();
    try {
      await send();
    } catch (e) {
      this.onError(key, e);
    }
    this.forgetWhenQuiet(key);
  }
}
