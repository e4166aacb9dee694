/**
 * BS2 in the adapter contract suite: its simulator (plain HTTP, clock frozen at test/banks/bs2/helpers.ts T0), the
 * adapter of its default account built by the bank registry with an in-process token source (in the worker BS2's
 * rotating tokens come from the keeper workflow instead), its cents scenarios (docs/banks/bs2.md) and its real
 * notification body (test/fixtures/bs2/webhook-paid.json).
 */
import { InMemoryBs2TokenSource } from '../../../src/banks/bs2/tokens';
import { BankRegistry } from '../../../src/banks/registry';
import { BS2_CAPABILITIES } from '../../../src/banks/bs2/capabilities';
import { parseBs2CampoLivre } from '../../../src/domain';
import { BS2_SCENARIOS } from '../../../src/simulators/bs2/scenarios';
import { accountOf, admin, boletoRequest, startSim } from '../bs2/helpers';
import { type BankHarness, expectAdminOk, scenarioAmount, webhookFixture } from './harness';

/**
 * Every call of the contract's adapter times out after this. The simulator holds a LOST_RESPONSE registration
 * longer, so the adapter gives up first, not knowing whether the boleto was made (it was).
 */
const TIMEOUT_MS = 1_500;

export const bs2Harness: BankHarness = {
  bank: 'BS2',
  capabilities: BS2_CAPABILITIES,
  webhooks: [
    // One notification carries the boleto's status history: one event per StatusBoleto entry.
    webhookFixture('bs2', 'webhook-paid.json', [
      { kind: 'REGISTERED', nossoNumero: '10016587895', seuNumero: '12345', eventId: 'f3ac8876-5fcb-4dbd-868d-fb5ce76b4af7:1' },
      { kind: 'PAID', nossoNumero: '10016587895', seuNumero: '12345', eventId: 'f3ac8876-5fcb-4dbd-868d-fb5ce76b4af7:2', paidCents: 100_000 },
    ]),
  ],
  async start() {
    const sim = await startSim({ lostResponseHoldMs: 4 * TIMEOUT_MS });
    const account = accountOf(sim, 'bs2-contract', TIMEOUT_MS);
    const registry = new BankRegistry([account]);
    const tokens = new InMemoryBs2TokenSource(registry.bs2Http(account.accountId), account.credentials, () => sim.clock.now());
    const boletos = async () => (await admin<{ items: { seuNumero?: string }[] }>(sim, '/boletos')).body.items;
    return {
      adapter: registry.adapter(account.accountId, tokens),
      today: sim.clock.today(),
      request: (over) => boletoRequest(over),
      lostResponse: () => boletoRequest({ amountCents: scenarioAmount(BS2_SCENARIOS, 'LOST_RESPONSE') }),
      // ,04: HTTP 400 [{"descricao":"Sacado bloqueado para emissão de boletos.","tag":"Cliente"}].
      rejected: () => ({ request: boletoRequest({ amountCents: scenarioAmount(BS2_SCENARIOS, 'REJECTED') }), field: 'Cliente' }),
      unknownRef: { bankId: '00000000-0000-4000-8000-000000000000' },
      nossoNumeroOf: (campoLivre) => parseBs2CampoLivre(campoLivre).nossoNumero,
      countAtBank: async (req) => (await boletos()).filter((b) => b.seuNumero === req.seuNumero).length,
      pay: async (b) => expectAdminOk('pay', await admin(sim, `/boletos/${b.bankId}/pay`, {})),
      dueDateAppliedOnAccept: true,
      stop: async () => {
        await registry.close();
        await sim.close();
      },
    };
  },
};
