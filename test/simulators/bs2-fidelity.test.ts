/**
 * The BS2 simulator's facts from issue #17 (docs/banks/bs2.md): the 4-business-day grace after dataLimitePagamento
 * (seed 004 FAQ, configurable), a payment BS2 hears no "paid" pulse for (,09), sacadorAvalista and beneficiarioFinal
 * checked as BS2 documents them. Real HTTP to the simulator; days pass on its clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bs2Simulator } from '../../src/simulators/bs2/server';
import { BS2_SCENARIOS } from '../../src/simulators/bs2/scenarios';
import {
  admin,
  adapterFor,
  boletoRequest,
  CNPJ,
  rawCall,
  startReceiver,
  startSim,
  type TestAdapter,
} from '../banks/bs2/helpers';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const PREFIX = '/pj/forintegration/cobranca';
const GUARANTOR = {
  name: 'Garante Comercial Ltda',
  document: '11444777000161',
  address: { street: 'Rua B', number: '20', district: 'Centro', city: 'Campinas', state: 'SP', zipCode: '13010000' },
};

describe('BS2 simulator › fidelity (grace, no paid pulse, sacador/avalista, beneficiário final)', () => {
  let sim: Bs2Simulator;
  let t: TestAdapter;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await startReceiver();
    sim = await startSim({ webhook: { url: rx.url }, refreshTokenTtlHours: 24 * 400 });
    t = adapterFor(sim);
  });
  afterAll(async () => {
    await t.http.close();
    await sim.close();
    await rx.close();
  });
  const pay = (id: string, at: string, body: Record<string, unknown> = {}) =>
    admin(sim, `/boletos/${id}/pay`, { at, ...body });

  // The clock starts Monday 2026-03-02 (helpers.T0). March 2026 has no national bank holiday.
  it('grace (default 4 business days) › dataLimitePagamento Mon 03-09: paid Thu (3 after) and Fri (4) › accepted; Mon 03-16 (5) › refused', async () => {
    expect(sim.config.paymentDeadlineGraceBusinessDays).toBe(4);
    const mk = () =>
      t.adapter.register(boletoRequest({ amountCents: 13_000, dueDate: '2026-03-05', paymentDeadline: '2026-03-09' }));
    const [three, four, five] = [await mk(), await mk(), await mk()];
    const views = (await admin<{ items: { id: string; lastPayableDay: string }[] }>(sim, '/boletos')).body.items;
    expect(views.find((v) => v.id === three.bankId)?.lastPayableDay).toBe('2026-03-13');
    expect((await pay(three.bankId, '2026-03-12T10:00:00-03:00')).status).toBe(200);
    expect((await pay(four.bankId, '2026-03-13T16:00:00-03:00')).status).toBe(200);
    const refused = await pay(five.bankId, '2026-03-16T10:00:00-03:00');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain('fora do prazo');
    expect((await t.adapter.get({ bankId: three.bankId }))?.payment?.paidAt).toBe('2026-03-12T13:00:00.000Z');
  });

  it('grace › configured 0 › the day after dataLimitePagamento › refused', async () => {
    const g0 = await startSim({ paymentDeadlineGraceBusinessDays: 0 });
    const a0 = adapterFor(g0);
    const b = await a0.adapter.register(
      boletoRequest({ amountCents: 13_000, dueDate: '2026-03-05', paymentDeadline: '2026-03-09' }),
    );
    expect((await admin(g0, `/boletos/${b.bankId}/pay`, { at: '2026-03-10T10:00:00-03:00' })).status).toBe(409);
    await a0.http.close();
    await g0.close();
  });

  it(',09 no paid pulse › paid on the due date: no Status 2, GET shows no payment; at settlement › SETTLED with valorPago, webhook StatusBoleto [1, 3]', async () => {
    expect(BS2_SCENARIOS.forAmount(25_009)).toBe('NO_PAID_PULSE');
    const b = await t.adapter.register(boletoRequest({ amountCents: 25_009, dueDate: '2026-03-20' }));
    sim.clock.set(Date.parse('2026-03-20T12:00:00-03:00'));
    await sim.tick();
    const atBank = sim.bank.boletos.get(b.bankId)!;
    expect(atBank.paidAt).toBe(Date.parse('2026-03-20T10:00:00-03:00')); // the payer paid …
    const before = await t.adapter.get({ bankId: b.bankId });
    expect(before).toMatchObject({ status: 'OPEN', bankStatus: '1' }); // … but BS2 does not know
    expect(before?.payment).toBeUndefined();
    const mine = () =>
      rx.received
        .filter((r) => String(r.body?.NossoNumeroBoleto) === b.nossoNumero)
        .map((r) => (r.body.StatusBoleto as { Status: number }[]).map((x) => x.Status));
    expect(mine()).toEqual([[1]]);
    sim.clock.set(atBank.settleDueAt! + 60_000);
    await sim.tick();
    const after = await t.adapter.get({ bankId: b.bankId });
    expect(after).toMatchObject({
      status: 'SETTLED',
      payment: { paidCents: 25_009 },
      settlement: { settledCents: 25_009 },
    });
    expect(mine()).toEqual([[1], [1, 3]]);
    const last = rx.received.filter((r) => String(r.body?.NossoNumeroBoleto) === b.nossoNumero).at(-1)!.body;
    expect(last).toMatchObject({ Situacao: 4, ValorLiquidado: 250.09 });
    expect(t.adapter.translateWebhook({ headers: {}, body: last, receivedAt: '' }).map((e) => e.kind)).toEqual([
      'REGISTERED',
      'SETTLED',
    ]);
  });

  it('admin pay with pulse: false › any boleto paid at such a bank behaves the same', async () => {
    const b = await t.adapter.register(boletoRequest({ amountCents: 14_000, dueDate: '2026-04-10' }));
    expect((await pay(b.bankId, '2026-04-01T10:00:00-03:00', { pulse: false })).status).toBe(200);
    expect((await t.adapter.get({ bankId: b.bankId }))?.status).toBe('OPEN');
    expect((await admin(sim, `/boletos/${b.bankId}/settle`, {})).status).toBe(200);
    expect((await t.adapter.get({ bankId: b.bankId }))?.status).toBe('SETTLED');
    expect(sim.bank.boletos.get(b.bankId)!.history.map((h) => h.status)).toEqual([1, 3]);
  });

  it('sacadorAvalista › sent by the adapter and echoed; with a CPF/CNPJ but missing data or a bad CPF/CNPJ › 400 tag SacadorAvalista', async () => {
    const b = await t.adapter.register(boletoRequest({ dueDate: '2026-05-04', guarantor: GUARANTOR }));
    const raw = await rawCall(sim, t, 'GET', `${PREFIX}/v1/boletos/${b.bankId}`);
    expect(raw.body.item.sacadorAvalista).toMatchObject({
      tipo: 2,
      documento: GUARANTOR.document,
      nome: GUARANTOR.name,
      endereco: { cidade: 'Campinas', cep: '13010000' },
    });
    const base = {
      valor: 150,
      vencimento: '2026-05-04',
      cliente: {
        tipo: 'fisica',
        documento: '52998224725',
        nome: 'Maria',
        endereco: {
          cep: '01001000',
          estado: 'SP',
          cidade: 'São Paulo',
          bairro: 'Centro',
          logradouro: 'Rua A',
          numero: '1',
          complemento: '',
        },
      },
    };
    const noAddress = await rawCall(sim, t, 'POST', `${PREFIX}/v2/boletos/simplificado`, {
      ...base,
      sacadorAvalista: { tipo: 'juridica', documento: CNPJ, nome: 'Garante' },
    });
    expect(noAddress.status).toBe(400);
    expect(noAddress.body).toEqual([
      { descricao: expect.stringContaining('cep, estado, cidade, bairro, logradouro, numero'), tag: 'SacadorAvalista' },
    ]);
    const badDoc = await rawCall(sim, t, 'POST', `${PREFIX}/v2/boletos/simplificado`, {
      ...base,
      sacadorAvalista: { ...base.cliente, tipo: 'juridica', documento: '11222333000100', nome: 'Garante' },
    });
    expect(badDoc.body).toEqual([{ descricao: 'CPF/CNPJ do sacador/avalista inválido.', tag: 'SacadorAvalista' }]);
    // Without a CPF/CNPJ there is no guarantor: accepted, echoed empty.
    const none = await rawCall(sim, t, 'POST', `${PREFIX}/v2/boletos/simplificado`, {
      ...base,
      sacadorAvalista: { tipo: 'fisica' },
    });
    expect(none.status).toBe(200);
    expect(none.body.sacadorAvalista).toMatchObject({ tipo: 0, documento: null });
  });

  it('beneficiarioFinal › v2: sent by the adapter and kept; invalid › 400 tag BeneficiarioFinal; v1 › ignored; an intermediary without it › 400', async () => {
    const b = await t.adapter.register(
      boletoRequest({
        dueDate: '2026-05-04',
        finalBeneficiary: { name: 'Loja Final Ltda', tradeName: 'Loja Final', document: CNPJ },
      }),
    );
    expect(sim.bank.boletos.get(b.bankId)!.request.beneficiarioFinal).toEqual({
      tipo: 'juridica',
      documento: CNPJ,
      nome: 'Loja Final Ltda',
      nomeFantasia: 'Loja Final',
    });
    const base = {
      valor: 150,
      vencimento: '2026-05-04',
      cliente: {
        tipo: 'fisica',
        documento: '52998224725',
        nome: 'Maria',
        endereco: {
          cep: '01001000',
          estado: 'SP',
          cidade: 'São Paulo',
          bairro: 'Centro',
          logradouro: 'Rua A',
          numero: '1',
          complemento: '',
        },
      },
    };
    const bad = await rawCall(sim, t, 'POST', `${PREFIX}/v2/boletos/simplificado`, {
      ...base,
      beneficiarioFinal: { tipo: 'juridica', documento: '11222333000100' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual([
      { descricao: 'CPF/CNPJ do beneficiário final inválido.', tag: 'BeneficiarioFinal' },
      { descricao: 'Nome do beneficiário final não pode ser nulo ou vazio.', tag: 'BeneficiarioFinal' },
    ]);
    const v1 = await rawCall(sim, t, 'POST', `${PREFIX}/v1/boletos/simplificado`, {
      ...base,
      beneficiarioFinal: { tipo: 'juridica', documento: '11222333000100' },
    });
    expect(v1.status).toBe(200);
    expect(v1.body.beneficiarioFinal).toBeUndefined();
    const inter = await startSim({ intermediary: true });
    const ai = adapterFor(inter);
    expect(await ai.adapter.register(boletoRequest()).catch((e: unknown) => e)).toMatchObject({
      kind: 'VALIDATION',
      details: { fields: [{ field: 'BeneficiarioFinal', message: 'Não pode ser nulo ou vazio.' }] },
    });
    expect(
      (await ai.adapter.register(boletoRequest({ finalBeneficiary: { name: 'Loja Final Ltda', document: CNPJ } })))
        .status,
    ).toBe('OPEN');
    await ai.http.close();
    await inter.close();
  });
});
