/**
 * Sicoob in the adapter contract suite: its simulator (HTTPS with mutual TLS, strict, clock frozen at today 12:00),
 * the adapter of its default account built by the bank registry (its per-account mTLS pool and token cache), its
 * cents scenarios (docs/banks/sicoob.md) and the payment webhook (movement type 7) registered at the simulator for a
 * real receiver. Every exchange of the adapter with the simulator is checked against Sicoob's own OpenAPI
 * (test/banks/sicoob/helpers.ts): `stop` fails the suite if any request or answer broke it.
 *
 * Sicoob's notification body is not documented [U]: the webhook fixture is the simulator's body
 * (test/fixtures/sicoob/notification-simulator.json, SOURCES.md), and the simulator's own delivery is the other test.
 */
import { Agent, request } from 'undici';
import { BankRegistry } from '../../../src/banks/registry';
import { SICOOB_CAPABILITIES } from '../../../src/banks/sicoob/capabilities';
import { parseSicoobCampoLivre, sicoobNossoNumeroFromFaixa } from '../../../src/domain';
import { SICOOB_SCENARIOS } from '../../../src/simulators/sicoob/scenarios';
import type { SicoobSimulator } from '../../../src/simulators/sicoob/server';
import { startReceiver } from '../bs2/helpers';
import { sicoobAccountOf, sicoobBoletoRequest, startSicoobSim } from '../sicoob/helpers';
import { type BankHarness, expectAdminOk, simulatedBank, webhookFixture } from './harness';

/** The simulator's /__sim admin API (TLS only, its test CA). */
async function admin(sim: SicoobSimulator, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const dispatcher = new Agent({ connect: { ca: sim.pki.caCertPem } });
  try {
    const res = await request(`${sim.publicUrl}/__sim${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.statusCode, body: await res.body.json() };
  } finally {
    await dispatcher.close();
  }
}

export const sicoobHarness: BankHarness = {
  bank: 'SICOOB',
  capabilities: SICOOB_CAPABILITIES,
  // Sicoob documents no authentication of its notifications: the adapter sees the body only.
  webhookHeaders: {},
  webhooks: [
    webhookFixture('sicoob', 'notification-simulator.json', [
      {
        kind: 'PAID',
        nossoNumero: '17',
        eventId: '17:7',
        paidCents: 15_623,
        occurredAt: '2026-03-06T13:00:00.000Z',
      },
    ]),
  ],
  async start() {
    const rx = await startReceiver();
    const { sim, problems } = await startSicoobSim();
    // What CS registers at Sicoob for the account: the payment webhook (type 7, D0); the simulator validates the URL.
    sim.bank.createWebhook({ url: rx.url, codigoTipoMovimento: 7, codigoPeriodoMovimento: 1 });
    await sim.tick();
    await sim.tick();
    const account = sicoobAccountOf(sim, 'sicoob-contract');
    const registry = new BankRegistry([account]);
    const parts = simulatedBank({
      sim,
      registry,
      receiver: rx,
      request: (over) => sicoobBoletoRequest(sim, over),
      scenarios: SICOOB_SCENARIOS,
      lostResponse: 'LOST_RESPONSE',
      // Sicoob's refusals name no field: the adapter puts its MensagensErro under `mensagens`.
      rejected: { scenario: 'REJECTED', field: 'mensagens' },
    });
    const f = sim.config.faixa;
    return {
      ...parts,
      // The URL validation request is not a payment: only payment notifications are the suite's.
      notifications: () =>
        parts.notifications().filter((n) => (n.body as { validacaoWebhook?: boolean }).validacaoWebhook !== true),
      adapter: registry.adapter(account.accountId),
      unknownRef: {
        nossoNumero: String(
          sicoobNossoNumeroFromFaixa(f.numeroFinal, f.validaDigitoVerificadorNossoNumero, sim.config.beneficiary),
        ),
      },
      // The API's nosso número is the campo livre's 7 digits with their DV appended (the range's DV flag).
      nossoNumeroOf: (campoLivre) => {
        const p = parseSicoobCampoLivre(campoLivre);
        return String(Number(p.nossoNumero) * 10 + p.nossoNumeroDv);
      },
      countAtBank: async (req) => {
        const r = await admin(sim, '/boletos');
        expectAdminOk('boletos', r);
        return (r.body as { items: { seuNumero: string }[] }).items.filter((b) => b.seuNumero === req.seuNumero).length;
      },
      // Paid and liquidated at once: the consulta shows a payment only as `Liquidado` (docs/banks/sicoob.md); the
      // payment (baixa operacional) notifies the webhook first.
      pay: async (b) => expectAdminOk('settle', await admin(sim, `/boletos/${b.nossoNumero}/settle`, {})),
      dueDateAppliedOnAccept: true,
      // Sicoob's bolecode EMV is dynamic (a cobv location, its own example has no amount field): the amount is in the
      // location's payload, not in the EMV.
      bolecodePixDynamic: true,
      stop: async () => {
        await parts.stop();
        if (problems.length)
          throw new Error(`exchanges that break Sicoob's OpenAPI:\n${problems.slice(0, 20).join('\n')}`);
      },
    };
  },
};
