/**
 * The chaos suite's smoke version (`npm run chaos` runs the same scenario code at full size): small sizes on one
 * embedded stack of real processes (Temporal dev server on a SQLite file, two worker processes, the API, the BS2
 * simulator) that a file's scenarios share and batter in turn. Each must lose and duplicate nothing, and the chaos
 * must really have happened. Two files, so that vitest runs the halves side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../bench/chaos/scenario';
import { SCENARIOS } from '../../bench/chaos/scenarios';
import { ChaosStack } from '../../bench/chaos/stack';

/** The records store was checked: a row and a key per request, the workflows' events, a delivery for each. */
function storeChecked(r: ScenarioResult): void {
  expect(r.store).toEqual({ lost: 0, duplicated: 0 });
  expect(r.out).toMatchObject({
    storeRows: r.in.requests,
    storeKeys: r.in.requests,
    storeEvents: r.out.workflowEvents,
    storeDeliveries: r.out.workflowEvents,
    storeDelivered: r.out.workflowEvents,
  });
  expect(r.out.storeEvents).toBe(r.out.events);
}

/** What must have happened for a run to mean something. */
const HAPPENED: Record<string, (r: ScenarioResult) => void> = {
  'worker-kill': (r) => {
    expect(r.in).toMatchObject({ kills: 2 });
    storeChecked(r);
  },
  'server-restart': (r) => {
    expect(r.in).toMatchObject({ restarts: 1 });
    storeChecked(r);
  },
  'api-restart': (r) => expect(r.in).toMatchObject({ restarts: 2 }),
  'bank-faults': (r) => expect(r.out.copiesAccepted).toBe(r.in.shuffledCopies),
  'webhook-storm': (r) => expect(r.out.signalled).toBe(r.in.webhooksSent),
  'long-run': (r) => expect(r.out.waitingOnTimer).toBe(r.out.timerSample),
};

export function chaosSmoke(names: string[], workers = 2): void {
  describe(`chaos suite › smoke › ${names.join(', ')} on one shared stack`, () => {
    let stack: ChaosStack;
    const started = Date.now();
    const log: string[] = [];
    const note = (l: string) => log.push(`+${Math.round((Date.now() - started) / 1000)}s ${l}`);

    beforeAll(async () => {
      stack = await ChaosStack.start({ workers, env: { BS2_TIMEOUT_MS: '3000' }, log: note });
      note('stack up');
      // Six processes now (the records store's first start runs initdb), two stacks side by side on 2 cores.
    }, 180_000);
    afterAll(async () => {
      await stack?.close();
      if (process.env.CHAOS_SMOKE_VERBOSE)
        console.log(`chaos smoke: ${Math.round((Date.now() - started) / 1000)} s\n${log.join('\n')}`);
    }, 60_000);

    for (const name of names) {
      it(`${name} › smoke size › nothing lost, nothing duplicated, and the chaos happened`, async () => {
        const scenario = SCENARIOS.find((s) => s.name === name)!;
        const r = await scenario.run({ scale: 'smoke', log: note, shared: stack });
        note(`${name}: ${r.seconds} s ${JSON.stringify({ in: r.in, out: r.out, figures: r.figures })}`);
        expect({
          invalid: r.invalid,
          problems: r.problems,
          unexpectedExits: r.unexpectedExits,
          interventions: r.interventions,
        }).toEqual({ invalid: [], problems: [], unexpectedExits: [], interventions: [] });
        expect({ lost: r.lost, duplicated: r.duplicated }).toEqual({ lost: 0, duplicated: 0 });
        expect(r.out.inExpectedState).toBe(r.out.workflows);
        HAPPENED[name]!(r);
      }, 120_000);
    }
  });
}
