/**
 * BS2 in the adapter contract suite: its simulator (plain HTTP, clock frozen at test/banks/bs2/helpers.ts T0), the
 * adapter of its default account built by the bank registry with an in-process token source (in the worker BS2's
 * rotating tokens come from the keeper workflow instead), its cents scenarios (docs/banks/bs2.md) and its real
 * notification body (test/fixtures/bs2/webhook-paid.json).
 */
import { InMemoryBs2TokenSource } from '../../../src/banks/bs2/tokens';
import { BankRegistry } from '../../../src/banks/registry';
import { bs2Http } from '../../../src/banks/bs2/connection';
import { BS2_CAPABILITIES } from '../../../src/banks/bs2/capabilities';
import { parseBs2CampoLivre } from '../../../src/domain';
import { BS2_SCENARIOS } from '../../../src/simulators/bs2/scenarios';
import { accountOf, admin, boletoRequest, startReceiver, startSim } from '../bs2/helpers';
import { type BankHarness, expectAdminOk, simulatedBank, webhookFixture } from './harness';

/**
 * Every call of the contract's adapter times out after this. The simulator holds a LOST_RESPONSE registration
 * longer, so the adapter gives up first, not knowing whether the boleto was made (it was).
 */
const TIMEOUT_MS = 3_000;

/** The Authorization value agreed with BS2 for its notifications: the simulator sends it, the adapter checks it. */
const WEBHOOK_AUTHORIZATION = { type: 'bearer', token: 'contract-hook-secret' } as const;
const WEBHOOK_HEADERS = { authorization: `Bearer ${WEBHOOK_AUTHORIZATION.token}` };

export const bs2Harness: BankHarness = {
  bank: 'BS2',
  capabilities: BS2_CAPABILITIES,
  webhookHeaders: WEBHOOK_HEADERS,
  webhooks: [
    // One notification carries the boleto's status history: one event per StatusBoleto entry.
    webhookFixture(
      'bs2',
      'webhook-paid.json',
      [
        {
          kind: 'REGISTERED',
          nossoNumero: '10016587895',
          seuNumero: '12345',
          eventId: 'f3ac8876-5fcb-4dbd-868d-fb5ce76b4af7:1',
        },
        {
          kind: 'PAID',
          nossoNumero: '10016587895',
          seuNumero: '12345',
          eventId: 'f3ac8876-5fcb-4dbd-868d-fb5ce76b4af7:2',
          paidCents: 100_000,
        },
      ],
      WEBHOOK_HEADERS,
    ),
  ],
  async start() {
    const rx = await startReceiver();
    const sim = await startSim({
      lostResponseHoldMs: 4 * TIMEOUT_MS,
      webhook: { url: rx.url, auth: WEBHOOK_AUTHORIZATION },
    });
    const plain = accountOf(sim, 'bs2-contract', TIMEOUT_MS);
    const account = { ...plain, adapter: { ...plain.adapter, webhookAuthorization: WEBHOOK_HEADERS.authorization } };
    const registry = new BankRegistry([account]);
    const tokens = new InMemoryBs2TokenSource(bs2Http(registry, account.accountId), account.credentials, () =>
      sim.clock.now(),
    );
    const boletos = async () => (await admin<{ items: { seuNumero?: string }[] }>(sim, '/boletos')).body.items;
    return {
      // The rejection, ,04: HTTP 400 [{"descricao":"Sacado bloqueado para emissão de boletos.","tag":"Cliente"}].
      ...simulatedBank({
        sim,
        registry,
        receiver: rx,
        request: boletoRequest,
        scenarios: BS2_SCENARIOS,
        lostResponse: 'LOST_RESPONSE',
        rejected: { scenario: 'REJECTED', field: 'Cliente' },
      }),
      adapter: registry.adapter(account.accountId, tokens),
      unknownRef: { bankId: '00000000-0000-4000-8000-000000000000' },
      nossoNumeroOf: (campoLivre) => parseBs2CampoLivre(campoLivre).nossoNumero,
      countAtBank: async (req) => (await boletos()).filter((b) => b.seuNumero === req.seuNumero).length,
      pay: async (b) => expectAdminOk('pay', await admin(sim, `/boletos/${b.bankId}/pay`, {})),
      dueDateAppliedOnAccept: true,
    };
  },
};
