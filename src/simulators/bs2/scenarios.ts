/** The BS2 simulator's behaviours, chosen by the cents of the boleto's amount (see the README table). */
import { ScenarioTable } from '../shared/scenarios';

export type Bs2Scenario =
  | 'MANUAL'
  | 'PAID_ON_TIME'
  | 'PAID_LATE'
  | 'NEVER_PAID'
  | 'REJECTED'
  | 'NO_WEBHOOK'
  | 'WEBHOOKS_DUPLICATED_SHUFFLED'
  | 'LOST_RESPONSE'
  | 'UNAVAILABLE_FIRST_N'
  | 'NO_PAID_PULSE';

export const BS2_SCENARIOS = new ScenarioTable<Bs2Scenario>(
  [
    {
      cents: 0,
      name: 'MANUAL',
      description:
        'registered; nothing happens until the admin API pays, settles or cancels it (any cents not listed here too)',
    },
    {
      cents: 1,
      name: 'PAID_ON_TIME',
      description:
        'paid in full on the due date at 10:00 (Status 2), settled 1–3 business days later at 05:00 (Status 3, `valorLiquidado`)',
    },
    {
      cents: 2,
      name: 'PAID_LATE',
      description:
        'paid 5 days after the due date with the fine (+ pro-rata interest) of `multa`, 2 % when none; `valorPago` > `valor`; then settled',
    },
    {
      cents: 3,
      name: 'NEVER_PAID',
      description:
        'never paid: `Vencido` (2) after the due date, written off (webhook Status 4) the day after the last payable day (due + 60 or `dataLimitePagamento`)',
    },
    {
      cents: 4,
      name: 'REJECTED',
      description:
        'registration refused with HTTP 400 `[{"descricao":"Sacado bloqueado para emissão de boletos.","tag":"Cliente"}]`',
    },
    {
      cents: 5,
      name: 'NO_WEBHOOK',
      description: 'like ,01 but no webhook is ever sent: only polling (`GET /boletos/{id}`) finds the payment',
    },
    {
      cents: 6,
      name: 'WEBHOOKS_DUPLICATED_SHUFFLED',
      description: 'like ,01 but notifications are held until settlement, then each is sent twice, newest first',
    },
    {
      cents: 7,
      name: 'LOST_RESPONSE',
      description:
        'the first registration with a seuNumero is stored but its HTTP response never comes (held, then the connection drops); the boleto exists',
    },
    {
      cents: 8,
      name: 'UNAVAILABLE_FIRST_N',
      description:
        'the first N (default 2) registration calls with this seuNumero get 503 + `Retry-After: 1` and create nothing; then it registers',
    },
    {
      cents: 9,
      name: 'NO_PAID_PULSE',
      description:
        'paid on the due date at a bank that sends BS2 no "paid" pulse (Inter, Caixa, Banestes, Banco do Brasil: seed FAQ): no Status 2 and nothing in `GET` until settlement, then `valorPago`/`valorLiquidado` and Status 3 (`StatusBoleto` [1, 3])',
    },
  ],
  'MANUAL',
);
