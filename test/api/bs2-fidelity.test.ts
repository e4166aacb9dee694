/**
 * BS2 facts from issue #17 end to end (API, lifecycle workflow on a real Temporal dev server, BS2 simulator firing
 * real webhooks): a payment BS2 hears no "paid" pulse for still ends SETTLED with the payment implied, and the final
 * beneficiary and sacador/avalista are validated by the API (problem+json naming the field) and reach the bank.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoletoStack, eventually, registerBoleto, startBoletoStack } from '../helpers/boleto-stack';

type View = {
  id: string;
  status: string;
  paid: boolean;
  settled: boolean;
  seuNumero: string;
  payment?: { paidCents: number; paidAt: string };
  settlement?: { settledCents: number };
};
type Event = { kind: string; source: string; details?: Record<string, unknown> };

describe('BS2 on the full stack › no paid pulse, final beneficiary, sacador/avalista', () => {
  let s: BoletoStack;

  beforeAll(async () => {
    s = await startBoletoStack();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const get = async (id: string) =>
    (await (
      await fetch(`${s.base}/v1/boletos/${id}`, { headers: { Authorization: `Bearer ${s.keys.t1.integrator}` } })
    ).json()) as View;
  const events = async (id: string) =>
    (
      (await (
        await fetch(`${s.base}/v1/boletos/${id}/events`, {
          headers: { Authorization: `Bearer ${s.keys.t1.integrator}` },
        })
      ).json()) as { items: Event[] }
    ).items;
  const atBank = (seuNumero: string) => s.sim.bank.boletos.values().find((b) => b.seuNumero === seuNumero)!;

  it(',09 paid at a bank that sends no "paid" pulse › nothing until settlement, then one webhook with Status 3 › SETTLED, the payment implied', async () => {
    const created = await registerBoleto(s, 'nopulse-1', { amountCents: 15_009 });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const b = atBank(created.body.seuNumero as string);
    expect(b.scenario).toBe('NO_PAID_PULSE');
    s.sim.bank.pay(b, s.sim.clock.now());
    await s.sim.tick();
    expect(b.history.map((h) => h.status)).toEqual([1]); // BS2 heard nothing, sent nothing
    expect((await get(id)).status).toBe('REGISTERED');
    s.sim.bank.settle(b, s.sim.clock.now() + 3_600_000);
    await s.sim.tick();
    const v = await eventually(
      () => get(id),
      (x) => x.status === 'SETTLED',
    );
    expect(v).toMatchObject({
      paid: true,
      settled: true,
      payment: { paidCents: 15_009 },
      settlement: { settledCents: 15_009 },
    });
    const ev = await events(id);
    expect(ev.map((e) => [e.kind, e.source])).toEqual([
      ['REGISTERED', 'bank-response'],
      ['PAID', 'bank-webhook'],
      ['SETTLED', 'bank-webhook'],
    ]);
    expect(ev[1]!.details).toMatchObject({ inferred: true, paidCents: 15_009 });
  });

  it('finalBeneficiary and guarantor › bad input › 400 problem+json naming the field, nothing at the bank; valid › sent to BS2 as beneficiarioFinal and sacadorAvalista', async () => {
    const guarantor = {
      name: 'Garante Comercial Ltda',
      document: '11.444.777/0001-61',
      address: {
        street: 'Rua B',
        number: '20',
        district: 'Centro',
        city: 'Campinas',
        state: 'SP',
        zipCode: '13010000',
      },
    };
    const cases: [string, Record<string, unknown>, string][] = [
      ['g-cnpj', { guarantor: { ...guarantor, document: '11.222.333/0001-00' } }, 'body.guarantor.document'],
      ['g-address', { guarantor: { name: guarantor.name, document: guarantor.document } }, 'body.guarantor.address'],
      ['g-key', { guarantor: { ...guarantor, email: 'x@example.com' } }, 'body.guarantor'],
      ['f-name', { finalBeneficiary: { document: '11222333000181' } }, 'body.finalBeneficiary.name'],
      ['f-cpf', { finalBeneficiary: { name: 'Loja', document: '123.456.789-00' } }, 'body.finalBeneficiary.document'],
    ];
    const before = s.sim.bank.boletos.values().length;
    for (const [key, over, field] of cases) {
      const p = await registerBoleto(s, `bad-${key}`, over);
      expect(p.status, key).toBe(400);
      const problem = p.body as unknown as { type: string; errors: { field: string }[] };
      expect(
        problem.errors.map((e) => e.field),
        key,
      ).toContain(field);
    }
    // The media type of those answers.
    const raw = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${s.keys.t1.integrator}`,
        'content-type': 'application/json',
        'Idempotency-Key': 'bad-type',
      },
      body: JSON.stringify({
        accountId: s.accountId,
        amountCents: 10_000,
        dueDate: '2099-01-01',
        payer: {},
        guarantor: {},
      }),
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('content-type')).toContain('application/problem+json');
    expect(s.sim.bank.boletos.values().length).toBe(before);

    const ok = await registerBoleto(s, 'parties-ok', {
      guarantor,
      finalBeneficiary: { name: 'Loja Final Ltda', tradeName: 'Loja Final', document: '11.222.333/0001-81' },
    });
    expect(ok.status).toBe(201);
    const sent = atBank(ok.body.seuNumero as string).request;
    expect(sent.sacadorAvalista).toEqual({
      tipo: 'juridica',
      documento: '11444777000161',
      nome: 'Garante Comercial Ltda',
      endereco: {
        cep: '13010000',
        estado: 'SP',
        cidade: 'Campinas',
        bairro: 'Centro',
        logradouro: 'Rua B',
        numero: '20',
        complemento: '',
      },
    });
    expect(sent.beneficiarioFinal).toEqual({
      tipo: 'juridica',
      documento: '11222333000181',
      nome: 'Loja Final Ltda',
      nomeFantasia: 'Loja Final',
    });
  });
});
