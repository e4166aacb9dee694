/** The Itaú simulator's behaviours, chosen by the cents of the boleto's amount (same mechanism as BS2's). */
import { ScenarioTable } from '../shared/scenarios';

export type ItauScenario =
  | 'MANUAL'
  | 'PAID_ON_TIME'
  | 'PAID_LATE'
  | 'NEVER_PAID'
  | 'REJECTED'
  | 'NO_NOTIFICATION'
  | 'UNAVAILABLE_FIRST_N'
  | 'PENDING_202'
  | 'PIX_PAID_NO_NOTIFICATION'
  | 'AWAITING_APPROVAL';

export const ITAU_SCENARIOS = new ScenarioTable<ItauScenario>(
  [
    {
      cents: 0,
      name: 'MANUAL',
      description:
        'registered (`Em Aberto`); nothing happens until the admin API pays, settles or writes it off (any cents not listed here too)',
    },
    {
      cents: 1,
      name: 'PAID_ON_TIME',
      description:
        'paid on the due date at 10:00 (`Aguardando Crédito`, BAIXA_OPERACIONAL notification), credited the next business day at 05:00 (`Creditado`, BAIXA_EFETIVA)',
    },
    {
      cents: 2,
      name: 'PAID_LATE',
      description:
        'paid 5 days after the due date with the `multa` (2 % when none) + `juros`; `valor_pago_total_cobranca` > `valor_titulo`; then credited',
    },
    {
      cents: 3,
      name: 'NEVER_PAID',
      description:
        'never paid: `status_vencimento` `vencido` after the due date; written off (`Baixada`, motivo "decurso de prazo") the day after `data_limite_pagamento`',
    },
    {
      cents: 4,
      name: 'REJECTED',
      description:
        'registration refused: 422 `{codigo:"422", mensagem:"Pagador bloqueado para emissão", campos:[{campo:"pagador", …}]}`',
    },
    {
      cents: 5,
      name: 'NO_NOTIFICATION',
      description: 'like ,01 but no notification is ever sent: only the consulta finds the payment',
    },
    {
      cents: 8,
      name: 'UNAVAILABLE_FIRST_N',
      description:
        'the first N (default 2) registration calls with this nosso número get 503 (no body) + `Retry-After: 1` and create nothing; then it registers',
    },
    {
      cents: 9,
      name: 'PENDING_202',
      description:
        'registration answers 202 `{codigo:"202", mensagem:"Operação em andamento, consulte seu bolecode em instantes"}`; the boleto shows in the consulta after N (default 1) queries',
    },
    {
      cents: 10,
      name: 'PIX_PAID_NO_NOTIFICATION',
      description:
        'bolecode paid by Pix 1 hour after registration: the consulta shows `Baixada` with the Pix payment and keeps showing it (the Pix is credited when paid; `pixPaidSituacao: "creditado"` moves it to `Creditado` the next business day instead); **no boleto notification ever arrives** (as reported in production)',
    },
    {
      cents: 11,
      name: 'AWAITING_APPROVAL',
      description:
        'registered; every instruction (`data_vencimento`, `baixa`, …) answers 200 `{data:{codigo:"200", mensagem:" Aguardando aprovação", campos:[{campo:"COD-RET", …"Aguardando aprovação do gerente"}]}}` and is applied only when the manager approves (`instructionApprovalMinutes`, default 60, later; or `POST /__sim/boletos/{nn}/approve`)',
    },
  ],
  'MANUAL',
);
