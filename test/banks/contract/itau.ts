/**
 * Itaú in the adapter contract suite: its simulator (HTTPS with mutual TLS, strict, clock frozen at today 12:00),
 * the adapter of its default account built by the bank registry (its per-account mTLS pool and token cache), its
 * cents scenarios (docs/banks/itau.md) and real notification bodies (test/fixtures/itau/).
 */
import { BankRegistry } from '../../../src/banks/registry';
import { ITAU_CAPABILITIES } from '../../../src/banks/itau/capabilities';
import { parseItauCampoLivre } from '../../../src/domain';
import { ITAU_SCENARIOS } from '../../../src/simulators/itau/scenarios';
import { accountOf, adapterConfigOf, admin, boletoRequest, PIX_KEY, startReceiver, startSim } from '../itau/helpers';
import { type BankHarness, expectAdminOk, simulatedBank, webhookFixture } from './harness';

/**
 * The lost response. The Itaú simulator has no dropped-connection scenario (docs/banks/itau.md "Not done"); its
 * documented way to leave a registration's outcome unknown is ,09 PENDING_202: Itaú answers 202 "operação em
 * andamento", the adapter queries the consulta `pendingQueryAttempts` times, and when the boleto has not shown by
 * then it fails UNAVAILABLE with outcomeUnknown although the bank made it. Here the boleto stays hidden for exactly
 * the adapter's attempts, so the next query (findRegistered) is the first to see it.
 */
const PENDING_QUERIES = 3;

export const itauHarness: BankHarness = {
  bank: 'ITAU',
  capabilities: ITAU_CAPABILITIES,
  // Itaú authenticates to our receiver (OAuth, then Bearer): the adapter sees the body only.
  webhookHeaders: {},
  webhooks: [
    // Itaú's own example (tipoLiquidacao 95, valorCreditado null: payment identified, not credited).
    webhookFixture('itau', 'notification-itau-example.json', [
      { kind: 'PAID', nossoNumero: '00007965', eventId: '00007965:95', paidCents: 30_000 },
    ]),
    webhookFixture('itau', 'notification-liquidado.json', [
      { kind: 'SETTLED', nossoNumero: '00000001', eventId: '00000001:LIQUIDADO', paidCents: 100, settledCents: 100 },
    ]),
  ],
  async start() {
    // Our side of Itaú notifications: an OAuth token endpoint, then the webhook with that Bearer token.
    const rx = await startReceiver();
    const oauth = { tokenUrl: rx.oauthUrl, clientId: rx.creds.clientId, clientSecret: rx.creds.clientSecret };
    const sim = await startSim({
      pendingQueriesBeforeVisible: PENDING_QUERIES,
      subscriptions: [{ target: { url: rx.webhookUrl, oauth }, tipos: ['BAIXA_OPERACIONAL', 'BAIXA_EFETIVA'] }],
    });
    const account = {
      ...accountOf(sim, 'itau-contract'),
      adapter: adapterConfigOf(sim, { pixKey: PIX_KEY, pendingQueryAttempts: PENDING_QUERIES }),
    };
    const registry = new BankRegistry([account]);
    const boletos = async () =>
      (
        await admin<{ items: { dado_boleto: { dados_individuais_boleto: { numero_nosso_numero: string }[] } }[] }>(
          sim,
          '/boletos',
        )
      ).body.items;
    return {
      // The rejection, ,04: 422 {codigo:"422", mensagem:"Pagador bloqueado para emissão", campos:[{campo:"pagador", …}]}.
      ...simulatedBank({
        sim,
        registry,
        receiver: rx,
        request: boletoRequest,
        scenarios: ITAU_SCENARIOS,
        lostResponse: 'PENDING_202',
        rejected: { scenario: 'REJECTED', field: 'pagador' },
      }),
      adapter: registry.adapter(account.accountId),
      unknownRef: { nossoNumero: '99999998' },
      nossoNumeroOf: (campoLivre) => parseItauCampoLivre(campoLivre).nossoNumero,
      // Itaú's identity of a boleto is the nosso número we choose (carteira 109).
      countAtBank: async (req) =>
        (await boletos()).filter((b) =>
          b.dado_boleto.dados_individuais_boleto.some((i) => i.numero_nosso_numero === req.nossoNumero),
        ).length,
      pay: async (b) => expectAdminOk('pay', await admin(sim, `/boletos/${b.nossoNumero}/pay`, {})),
      dueDateAppliedOnAccept: true,
    };
  },
};
