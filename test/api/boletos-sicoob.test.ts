/**
 * The boleto path on Sicoob over real HTTP: boletos and bolecodes issued through the API against the mutual-TLS
 * Sicoob simulator (nosso número chosen by us, with its DV, from the contract's range), paid and settled through the
 * simulator's own payment webhook (movement type 7, registered at the bank for our URL: each notification makes the
 * boleto's workflow re-query the consulta), a due-date change (PATCH prorrogacaoVencimento) and a cancel (baixa).
 * Every exchange with the simulator is checked against Sicoob's OpenAPI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, decodeBoleto, parsePix, saoPauloDate } from '../../src/domain';
import type { SicoobSimulator } from '../../src/simulators/sicoob/server';
import { SICOOB_TEST_PAYER } from '../banks/sicoob/helpers';
import { eventually, type SicoobBoletoStack, startSicoobBoletoStack } from '../helpers/boleto-stack';

describe('boletos API on the Sicoob simulator (mTLS, bolecode, type-7 webhook)', () => {
  let s: SicoobBoletoStack;
  let sim: SicoobSimulator;
  let base: string;
  let key: string;
  const accountId = 'sicoob-e2e';
  const today = saoPauloDate(Date.now());
  const due = addDays(today, 10);

  beforeAll(async () => {
    s = await startSicoobBoletoStack({ accountId });
    ({ sim, base, key } = s);
    // What CS registers at Sicoob for the account: the payment webhook; the simulator validates the URL first.
    sim.bank.createWebhook({
      url: `${base}/webhooks/sicoob/${accountId}`,
      codigoTipoMovimento: 7,
      codigoPeriodoMovimento: 1,
    });
    await sim.tick();
    await eventually(
      async () => (await sim.tick(), sim.bank.webhooksRegistered[0]?.codigoSituacao),
      (v) => v === 2,
    );
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${key}` });
  const create = async (idem: string, over: Record<string, unknown> = {}) => {
    const r = await fetch(`${base}/v1/boletos`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', 'Idempotency-Key': idem },
      body: JSON.stringify({
        accountId,
        kind: 'BOLETO',
        amountCents: 12_300,
        dueDate: due,
        payer: SICOOB_TEST_PAYER,
        ...over,
      }),
    });
    return {
      r,
      json: (await r.json()) as Record<string, unknown> & {
        id: string;
        nossoNumero: string;
        barcode: string;
        linhaDigitavel: string;
        pix?: { emv: string };
      },
    };
  };
  const get = async (id: string) =>
    (await (await fetch(`${base}/v1/boletos/${id}`, { headers: auth() })).json()) as {
      status: string;
      paid: boolean;
      settled: boolean;
      dueDate: string;
    };
  const atBank = (nossoNumero: string) => sim.bank.boletos.get(nossoNumero)!;
  /** What happens at the bank, then its notification delivered: the boleto ends SETTLED (paid and credited). */
  const expectSettledAfter = async (id: string, atTheBank: () => void) => {
    atTheBank();
    await sim.tick();
    const v = await eventually(
      () => get(id),
      (x) => x.status === 'SETTLED',
    );
    expect(v).toMatchObject({ paid: true, settled: true });
  };

  it('boleto › created › 201 REGISTERED with our nosso número (its DV) and a barcode and linha of bank 756', async () => {
    const { r, json } = await create('sicoob-1');
    expect(r.status).toBe(201);
    expect(json).toMatchObject({ status: 'REGISTERED', bank: 'SICOOB', kind: 'BOLETO', amountCents: 12_300 });
    expect(json.barcode).toMatch(/^756\d{41}$/);
    expect(json.linhaDigitavel).toMatch(/^756\d{44}$/);
    expect(decodeBoleto(json.linhaDigitavel, { today })).toMatchObject({
      bankCode: '756',
      amountCents: 12_300,
      dueDate: due,
      barcode: json.barcode,
    });
    expect(atBank(json.nossoNumero)).toMatchObject({ seuNumero: expect.any(String) as unknown, situacao: 'Em Aberto' });
  });

  it('bolecode › paid by Pix at Sicoob › its notification makes the workflow look: SETTLED (paid and credited)', async () => {
    const { r, json } = await create('sicoob-2', { kind: 'BOLECODE', amountCents: 45_600 });
    expect(r.status).toBe(201);
    expect(parsePix(json.pix!.emv)).toMatchObject({ kind: 'dynamic', currency: '986' });
    await expectSettledAfter(json.id, () => sim.bank.pay(atBank(json.nossoNumero), sim.clock.now(), 'pix'));
  });

  it('boleto › paid and liquidated at Sicoob › the type-7 notification → SETTLED', async () => {
    const { json } = await create('sicoob-3');
    await expectSettledAfter(json.id, () => sim.bank.settle(atBank(json.nossoNumero), sim.clock.now()));
  });

  it('due date › a later date › PATCH prorrogacaoVencimento at Sicoob, the boleto and the bank agree', async () => {
    const { json } = await create('sicoob-4');
    const later = addDays(due, 7);
    const r = await fetch(`${base}/v1/boletos/${json.id}/due-date`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ dueDate: later }),
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { dueDate: string }).dueDate).toBe(later);
    expect(atBank(json.nossoNumero).dataVencimento).toBe(later);
  });

  it('cancel › a registered boleto › baixa at Sicoob, CANCELLED; a second cancel › 409', async () => {
    const { json } = await create('sicoob-5');
    const cancel = (reason: string) =>
      fetch(`${base}/v1/boletos/${json.id}/cancel`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ reason }),
      });
    const r = await cancel('pedido cancelado');
    expect(r.status).toBe(200);
    expect(((await r.json()) as { status: string }).status).toBe('CANCELLED');
    expect(atBank(json.nossoNumero).situacao).toBe('Baixado');
    expect((await cancel('de novo')).status).toBe(409);
  });

  it('every exchange with the simulator › valid for Sicoob’s OpenAPI', () => {
    expect(s.problems).toEqual([]);
  });
});
