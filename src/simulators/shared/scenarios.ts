/**
 * Scenarios chosen by the cents of a boleto's amount (R$ 100,07 → scenario 07), the way bank sandboxes often
 * do it: the caller picks the bank's behaviour with data it controls, no side channel needed. Each simulator
 * owns its table; this is the lookup and the README table renderer.
 */
export interface ScenarioRow<N extends string> {
  cents: number;
  name: N;
  description: string;
}

export class ScenarioTable<N extends string> {
  private readonly byCents = new Map<number, ScenarioRow<N>>();

  constructor(
    readonly rows: readonly ScenarioRow<N>[],
    readonly fallback: N,
  ) {
    for (const r of rows) {
      if (!Number.isInteger(r.cents) || r.cents < 0 || r.cents > 99)
        throw new Error(`scenario ${r.name}: cents must be 0..99`);
      if (this.byCents.has(r.cents)) throw new Error(`two scenarios on cents ${r.cents}`);
      this.byCents.set(r.cents, r);
    }
  }

  /** The scenario for an amount in cents (its last two digits). */
  forAmount(amountCents: number): N {
    return this.byCents.get(Math.abs(Math.trunc(amountCents)) % 100)?.name ?? this.fallback;
  }

  /** Markdown table (for the README and `GET /__sim/scenarios`). */
  markdown(): string {
    return [
      '| cents | scenario | what the bank does |',
      '|---|---|---|',
      ...this.rows.map((r) => `| ,${String(r.cents).padStart(2, '0')} | \`${r.name}\` | ${r.description} |`),
    ].join('\n');
  }
}
