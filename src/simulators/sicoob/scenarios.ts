/** The Sicoob simulator's behaviours, chosen by the cents of the boleto's `valor` (same mechanism as BS2's and Itaú's). */
import { ScenarioTable } from '../shared/scenarios';

export type SicoobScenario =
  | 'MANUAL'
  | 'PAID_AND_SETTLED'
  | 'PAID_NOT_SETTLED'
  | 'NEVER_PAID'
  | 'REJECTED'
  | 'NO_NOTIFICATION'
  | 'LOST_RESPONSE'
  | 'PIX_PAID'
  | 'UNAVAILABLE_FIRST_N';

export const SICOOB_SCENARIOS = new ScenarioTable<SicoobScenario>(
  [
    {
      cents: 0,
      name: 'MANUAL',
      description:
        'registered (`Em Aberto`); nothing happens until the admin API pays, settles or writes it off (any cents not listed here too)',
    },
    {
      cents: 1,
      name: 'PAID_AND_SETTLED',
      description:
        'paid on the due date at 10:00 (baixa operacional: a `codigoTipoMovimento` 7 notification to every validated webhook), liquidated the next business day at 05:00 (`situacaoBoleto` `Liquidado`, a `LIQUI` record in the movimentações of that day)',
    },
    {
      cents: 2,
      name: 'PAID_NOT_SETTLED',
      description:
        'paid on the due date at 10:00 (the type 7 notification) but the liquidação never comes: the consulta stays `Em Aberto`, no `LIQUI` record (until `POST /__sim/boletos/{nn}/settle`)',
    },
    {
      cents: 3,
      name: 'NEVER_PAID',
      description:
        'never paid; written off the day after `dataLimitePagamento` (or 60 days after the due date when there is none) at 05:00: `Baixado`, a `BAIX` record with `idTipoOpFinanceira` 11 ("Por Decurso de Prazo")',
    },
    {
      cents: 4,
      name: 'REJECTED',
      description:
        'registration refused: 400 `MensagensErro` (`{"mensagens":[{"codigo":"…","mensagem":"Pagador com restrição para emissão de boletos."}]}`), nothing created',
    },
    {
      cents: 5,
      name: 'NO_NOTIFICATION',
      description:
        'like ,01 but no notification is ever sent: only the consulta and the movimentações find the payment',
    },
    {
      cents: 6,
      name: 'LOST_RESPONSE',
      description:
        'the boleto is registered, then the connection is closed without an answer (the caller does not know); the consulta finds it',
    },
    {
      cents: 7,
      name: 'PIX_PAID',
      description:
        'paid by Pix 1 hour after registration (needs `codigoCadastrarPIX` 1: a bolecode): notified and liquidated at once (`LIQUI` with `idTipoOpFinanceira` 212, "07 - Via Pix")',
    },
    {
      cents: 8,
      name: 'UNAVAILABLE_FIRST_N',
      description:
        'the first N (default 2) registration calls with this `seuNumero` get 500 `MensagensErro` and create nothing; then it registers',
    },
  ],
  'MANUAL',
);
