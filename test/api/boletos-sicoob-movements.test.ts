/**
 * Sicoob with webhooks off: the movement poll (one workflow per account over movimentações tipos 5 and 6) is what
 * brings a boleto issued through the API to SETTLED with the amount paid, or to CANCELLED after a baixa the bank
 * did on its own. Real Temporal, the API and the strict Sicoob simulator over mutual TLS (no webhook registered for
 * the account, so no notification is ever sent), every exchange checked against Sicoob's OpenAPI. The poll starts
 * the way the API ensures it (signal-with-start of the account workflow), with a one-second interval and a lookback
 * of three days: its first round catches up over two windows ([today−3, today−1] and [today, today]).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccountWorkflow } from '../../src/banks/account-workflows';
import { sicoobMovementPollWorkflow } from '../../src/banks/sicoob/movement-activities';
import {
  type SicoobMovementPollOptions,
  sicoobMovementPollStateQuery,
  sicoobMovementPollWorkflowId,
} from '../../src/banks/sicoob/movement-poll-contract';
import { addDays, saoPauloDate } from '../../src/domain';
import type { SicoobSimulator } from '../../src/simulators/sicoob/server';
import { SICOOB_TEST_PAYER } from '../banks/sicoob/helpers';
import { eventually, postBoleto, type SicoobBoletoStack, startSicoobBoletoStack } from '../helpers/boleto-stack';

describe('boletos API on Sicoob without webhooks: the movement poll', () => {
  let s: SicoobBoletoStack;
  let sim: SicoobSimulator;
  const accountId = 'sicoob-mov';
  const today = saoPauloDate(Date.now());
  const options: SicoobMovementPollOptions = { intervalSeconds: 1, maxSpanDays: 2, waitSeconds: 30, lookbackDays: 3 };
  const workflowId = sicoobMovementPollWorkflowId(accountId);

  beforeAll(async () => {
    // The bank prepares a movement request at once (its clock is frozen: a wait would never end).
    s = await startSicoobBoletoStack({ accountId, simConfig: { movementProcessingSeconds: 0 } });
    sim = s.sim;
    await ensureAccountWorkflow(s.client, s.taskQueue, sicoobMovementPollWorkflow(accountId, options));
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${s.key}` });
  const create = async (idem: string) => {
    const r = await postBoleto(s, idem, {
      kind: 'BOLETO',
      amountCents: 12_300,
      dueDate: addDays(today, 10),
      payer: SICOOB_TEST_PAYER,
    });
    expect(r.status).toBe(201);
    return r.body;
  };
  type View = {
    status: string;
    paid: boolean;
    settled: boolean;
    payment?: { paidCents: number };
    settlement?: { settledCents: number };
  };
  const get = async (id: string) =>
    (await (await fetch(`${s.base}/v1/boletos/${id}`, { headers: auth() })).json()) as View;
  const events = async (id: string) =>
    (
      (await (await fetch(`${s.base}/v1/boletos/${id}/events`, { headers: auth() })).json()) as {
        items: { kind: string; eventId: string; source: string }[];
      }
    ).items;
  const atBank = (nossoNumero: string) => sim.bank.boletos.get(nossoNumero)!;

  it('the poll › first round › catches up from today−3 in windows the bank accepts; the cursor stops at yesterday', async () => {
    const state = await eventually(
      () => s.client.workflow.getHandle(workflowId).query(sicoobMovementPollStateQuery),
      (x) => x.rounds >= 1,
    );
    expect(state.cursor).toBe(addDays(today, -1));
    expect(state.lastGaveUp).toBeUndefined();
    const asked = sim.bank.movementRequests.map((r) => [r.tipoMovimento, r.dataInicial, r.dataFinal]);
    expect(asked.slice(0, 4)).toEqual([
      [5, addDays(today, -3), addDays(today, -1)],
      [6, addDays(today, -3), addDays(today, -1)],
      [5, today, today],
      [6, today, today],
    ]);
  });

  it('boleto › paid (with interest) and liquidated at Sicoob, no notification › the movement file → SETTLED with the amount paid', async () => {
    const b = await create('mov-1');
    expect(b.status).toBe('REGISTERED');
    sim.bank.pay(atBank(b.nossoNumero), sim.clock.now(), 'boleto', 12_345);
    sim.bank.settle(atBank(b.nossoNumero), sim.clock.now());
    expect(sim.bank.webhooksRegistered).toEqual([]); // nothing can notify us
    const v = await eventually(
      () => get(b.id),
      (x) => x.status === 'SETTLED',
      30_000,
    );
    expect(v).toMatchObject({
      paid: true,
      settled: true,
      payment: { paidCents: 12_345 },
      settlement: { settledCents: 12_345 },
    });
    const evs = await eventually(
      () => events(b.id),
      (x) => x.some((e) => e.kind === 'SETTLED'),
    );
    expect(evs.filter((e) => e.kind === 'PAID' || e.kind === 'SETTLED')).toEqual([
      expect.objectContaining({ kind: 'PAID', source: 'bank-poll', eventId: expect.stringMatching(/^mov:.*:LIQUI:/) }),
      expect.objectContaining({
        kind: 'SETTLED',
        source: 'bank-poll',
        eventId: expect.stringMatching(/^mov:.*:LIQUI:/),
      }),
    ]);
  });

  it('boleto › written off at Sicoob (a pedido, reason 82) › seen only in the baixas file → CANCELLED', async () => {
    const b = await create('mov-2');
    sim.bank.writeOff(atBank(b.nossoNumero), sim.clock.now(), 82, '02 - A Pedido do Cedente');
    const v = await eventually(
      () => get(b.id),
      (x) => x.status === 'CANCELLED',
      30_000,
    );
    expect(v).toMatchObject({ paid: false, settled: false });
    const evs = await eventually(
      () => events(b.id),
      (x) => x.some((e) => e.kind === 'CANCELLED'),
    );
    expect(evs.find((e) => e.kind === 'CANCELLED')).toMatchObject({
      source: 'bank-poll',
      eventId: expect.stringMatching(/^mov:.*:BAIX:/),
    });
  });

  it('a record of a boleto boletoflow did not issue › skipped; the poll keeps running', async () => {
    const before = (await s.client.workflow.getHandle(workflowId).query(sicoobMovementPollStateQuery)).rounds;
    // Another system's boleto on the same contract: registered straight at the bank, then liquidated.
    const { boleto: other } = sim.bank.register({
      numeroCliente: sim.config.beneficiary.numeroCliente,
      codigoModalidade: 1,
      numeroContaCorrente: 0,
      codigoEspecieDocumento: 'DM',
      dataEmissao: today,
      seuNumero: 'OUTRO-SISTEMA-1',
      identificacaoEmissaoBoleto: 2,
      identificacaoDistribuicaoBoleto: 2,
      valor: 10,
      dataVencimento: addDays(today, 5),
      tipoDesconto: 0,
      tipoMulta: 0,
      tipoJurosMora: 3,
      numeroParcela: 1,
      pagador: {
        numeroCpfCnpj: SICOOB_TEST_PAYER.document,
        nome: SICOOB_TEST_PAYER.name,
        endereco: 'Rua das Flores 100',
        bairro: 'Centro',
        cidade: 'Brasilia',
        cep: '70000000',
        uf: 'DF',
      },
    });
    sim.bank.settle(atBank(String(other.nossoNumero)), sim.clock.now());
    const state = await eventually(
      () => s.client.workflow.getHandle(workflowId).query(sicoobMovementPollStateQuery),
      (x) => x.rounds >= before + 2,
    );
    expect(state.lastGaveUp).toBeUndefined();
    expect((await s.client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
  });

  it('every exchange with the simulator › valid for Sicoob’s OpenAPI', () => {
    expect(s.problems).toEqual([]);
  });
});
