/**
 * What the Sicoob adapter does beyond the shared contract (test/banks/contract), against the strict simulator over
 * mutual TLS, every exchange checked against Sicoob's OpenAPI: the token cache (single flight, a token the bank
 * refuses dropped and fetched again), the 500 of an outage (outcome unknown, nothing created), the list by payer as
 * the only search, the nosso número folded into the contract's range, and the notifications' edge cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SicoobAccount } from '../../../src/banks/sicoob/account';
import { connectSicoob, type SicoobConnection } from '../../../src/banks/sicoob/connection';
import { sicoobNossoNumero } from '../../../src/banks/sicoob/mapping';
import { buildBarcodeFromParts, formatLinha, parseBarcode, sicoobNossoNumeroFromFaixa } from '../../../src/domain';
import type { SicoobSimulator } from '../../../src/simulators/sicoob/server';
import {
  bankError,
  type CheckedSicoobSimulator,
  nextSicoobNossoNumero,
  sicoobAccountOf,
  sicoobBoletoRequest,
  startSicoobSim,
} from './helpers';

describe('Sicoob adapter against its simulator (mTLS)', () => {
  let checked: CheckedSicoobSimulator;
  let sim: SicoobSimulator;
  let account: SicoobAccount;
  let conn: SicoobConnection;

  beforeAll(async () => {
    checked = await startSicoobSim();
    sim = checked.sim;
    account = sicoobAccountOf(sim, 'sicoob-adapter');
    conn = connectSicoob(account);
  });
  afterAll(async () => {
    await conn?.close();
    await sim?.close();
  });

  it('token › concurrent calls › one token request; the bank refusing it (expired at the bank) › fetched again, the call succeeds', async () => {
    const adapter = conn.adapter();
    const before = sim.tokensIssued();
    await Promise.all([1, 2, 3, 4].map(() => adapter.get({ nossoNumero: '17' })));
    expect(sim.tokensIssued() - before).toBe(1);
    // The bank's clock passes the token's lifetime while ours has not: the 401 drops it, one new token, one retry.
    sim.clock.advance((sim.config.accessTokenTtlSeconds + 1) * 1000);
    const b = await adapter.register(sicoobBoletoRequest(sim, { dueDate: '2099-12-31' }));
    expect(b.status).toBe('OPEN');
    expect(sim.tokensIssued() - before).toBe(2);
  });

  it('register › the bank answers 500 (outage) › UNAVAILABLE with outcome unknown; nothing at the bank; a later retry registers', async () => {
    const adapter = conn.adapter();
    const req = sicoobBoletoRequest(sim, { amountCents: 10_008, dueDate: '2099-12-31' }); // ,08: the first 2 calls 500
    const e = await bankError(adapter.register(req));
    expect(e).toMatchObject({ kind: 'UNAVAILABLE', details: { httpStatus: 500, outcomeUnknown: true } });
    expect(await adapter.findRegistered(req)).toBeNull();
    await bankError(adapter.register(req));
    expect(await adapter.register(req)).toMatchObject({ nossoNumero: req.nossoNumero, status: 'OPEN' });
  });

  it('search › by the payer’s document › the payer’s boletos; any other filter › VALIDATION naming it', async () => {
    const adapter = conn.adapter();
    const payer = { ...sicoobBoletoRequest(sim).payer, document: '39053344705' };
    const b = await adapter.register(sicoobBoletoRequest(sim, { payer, dueDate: '2099-12-30' }));
    expect((await adapter.search({ payerDocument: payer.document })).items.map((i) => i.nossoNumero)).toContain(
      b.nossoNumero,
    );
    expect((await adapter.search({ payerDocument: '11144477735' })).items).toEqual([]);
    const e = await bankError(adapter.search({ payerDocument: payer.document, seuNumero: 'X1' }));
    expect(e).toMatchObject({ kind: 'VALIDATION', details: { fields: [{ field: 'seuNumero' }] } });
  });

  it('nosso número › the workflow’s 8-digit candidate › folded into the range with its DV, the same each time', () => {
    const c = account.adapter;
    const nn = sicoobNossoNumero(c, '48213377');
    expect(sicoobNossoNumero(c, '48213377')).toBe(nn);
    const base = Math.floor(nn / 10);
    expect(base).toBeGreaterThanOrEqual(c.nossoNumero.first);
    expect(base).toBeLessThanOrEqual(c.nossoNumero.last);
    expect(nn).toBe(sicoobNossoNumeroFromFaixa(base, true, c));
    // A number already of the range, with its DV, is kept.
    expect(sicoobNossoNumero(c, String(nn))).toBe(nn);
  });

  it('notifications › a URL validation › no event; a list › one event each; no nosso número › VALIDATION naming it', () => {
    const adapter = conn.adapter();
    const receivedAt = '2026-03-06T13:00:00.000Z';
    expect(
      adapter.translateWebhook({
        headers: {},
        body: { validacaoWebhook: true, idWebhook: 1, codigoTipoMovimento: 7 },
        receivedAt,
      }),
    ).toEqual([]);
    const events = adapter.translateWebhook({
      headers: {},
      body: [{ nossoNumero: 17 }, { nossoNumero: '24', codigoTipoMovimento: 7, valorPagamento: 10.5 }],
      receivedAt,
    });
    expect(events).toMatchObject([
      { kind: 'PAID', nossoNumero: '17', eventId: '17:7', occurredAt: receivedAt },
      { kind: 'PAID', nossoNumero: '24', eventId: '24:7', paidCents: 1_050 },
    ]);
    expect(() => adapter.translateWebhook({ headers: {}, body: [{ nossoNumero: 'abc' }], receivedAt })).toThrow(
      expect.objectContaining({
        kind: 'VALIDATION',
        details: expect.objectContaining({ fields: [expect.objectContaining({ field: '[0].nossoNumero' })] }),
      }),
    );
  });

  it('look-up › by linha digitável (punctuated) or código de barras › the boleto and its segunda via; a wrong check digit › VALIDATION naming it; a valid code the bank does not know › null', async () => {
    const adapter = conn.adapter();
    const b = await adapter.register(sicoobBoletoRequest(sim, { dueDate: '2099-11-30' }));
    const byBarcode = await adapter.get({ code: b.barcode });
    expect(byBarcode).toMatchObject({ nossoNumero: b.nossoNumero, barcode: b.barcode, status: 'OPEN' });
    expect(await adapter.get({ code: formatLinha(b.linhaDigitavel) })).toEqual(byBarcode);
    const pdf = await adapter.pdf({ code: b.linhaDigitavel });
    expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const wrongDv = `${b.barcode.slice(0, 4)}${(Number(b.barcode[4]) + 1) % 10}${b.barcode.slice(5)}`;
    const e = await bankError(adapter.get({ code: wrongDv }));
    expect(e).toMatchObject({ kind: 'VALIDATION', details: { fields: [{ field: 'code' }] } });
    // The same boleto for one centavo more: a well-formed barcode no boleto carries.
    const unknown = buildBarcodeFromParts({ ...parseBarcode(b.barcode), amountCents: b.amountCents + 1 });
    expect(await adapter.get({ code: unknown })).toBeNull();
    expect((await bankError(adapter.pdf({ code: unknown }))).kind).toBe('NOT_FOUND');
  });

  it('alter › each BoletoAlteracao object, one per PATCH › 204 and the bank shows it (amounts in reais, rates in percent); refused › VALIDATION / CONFLICT / NOT_FOUND after the consulta', async () => {
    const adapter = conn.adapter();
    const dueDate = '2099-10-10';
    const b = await adapter.register(sicoobBoletoRequest(sim, { dueDate, amountCents: 20_000 }));
    const ref = { nossoNumero: b.nossoNumero };
    const atBank = () => sim.bank.boletos.get(b.nossoNumero)!;
    const accepted = { accepted: true };

    expect(await adapter.alter(ref, { kind: 'prorrogacaoLimitePagamento', paymentDeadline: '2099-11-10' })).toEqual(
      accepted,
    );
    expect(await adapter.alter(ref, { kind: 'valorNominal', cents: 25_050 })).toEqual(accepted);
    expect(await adapter.alter(ref, { kind: 'seuNumero', seuNumero: 'NOVO-SEU-1' })).toEqual(accepted);
    expect(await adapter.alter(ref, { kind: 'pix', utilizarPix: true })).toEqual(accepted);
    let seen = await adapter.get(ref);
    expect(seen).toMatchObject({ paymentDeadline: '2099-11-10', amountCents: 25_050, seuNumero: 'NOVO-SEU-1' });
    expect(seen?.pix?.emv).toBeTruthy();
    expect(seen?.barcode).not.toBe(b.barcode); // the amount is in the barcode
    expect(await adapter.alter(ref, { kind: 'pix', utilizarPix: false })).toEqual(accepted);
    seen = await adapter.get(ref);
    expect(seen?.pix).toBeUndefined();

    await adapter.alter(ref, { kind: 'desconto', discount: { type: 'FIXED', cents: 1_050, until: '2099-10-01' } });
    expect(atBank().request).toMatchObject({
      tipoDesconto: 1,
      dataPrimeiroDesconto: '2099-10-01',
      valorPrimeiroDesconto: 10.5,
    });
    await adapter.alter(ref, {
      kind: 'desconto',
      discount: { type: 'PERCENT', basisPoints: 250, until: '2099-10-05' },
    });
    expect(atBank().request).toMatchObject({ tipoDesconto: 2, valorPrimeiroDesconto: 2.5 });
    await adapter.alter(ref, { kind: 'abatimento', cents: 1_999 });
    expect(atBank().request.valorAbatimento).toBe(19.99);
    await adapter.alter(ref, { kind: 'multa', fine: { type: 'PERCENT', basisPoints: 200 }, from: '2099-10-11' });
    expect(atBank().request).toMatchObject({ tipoMulta: 2, dataMulta: '2099-10-11', valorMulta: 2 });
    await adapter.alter(ref, { kind: 'multa', fine: null });
    expect(atBank().request.tipoMulta).toBe(0);
    await adapter.alter(ref, { kind: 'jurosMora', interest: { type: 'FIXED_DAILY', cents: 33 }, from: '2099-10-11' });
    expect(atBank().request).toMatchObject({ tipoJurosMora: 1, dataJurosMora: '2099-10-11', valorJurosMora: 0.33 });
    await adapter.alter(ref, { kind: 'jurosMora', interest: { type: 'PERCENT_MONTHLY', basisPoints: 100 } });
    expect(atBank().request).toMatchObject({ tipoJurosMora: 2, valorJurosMora: 1 });
    await adapter.alter(ref, { kind: 'especieDocumento', codigoEspecieDocumento: 'DS' });
    expect(atBank().request.codigoEspecieDocumento).toBe('DS');

    // Refusals: a deadline before the due date (the bank's business rule), a written-off boleto, an unknown one.
    const early = await bankError(
      adapter.alter(ref, { kind: 'prorrogacaoLimitePagamento', paymentDeadline: '2099-10-01' }),
    );
    expect(early).toMatchObject({ kind: 'VALIDATION', details: { httpStatus: 400, fields: [{ field: 'mensagens' }] } });
    await adapter.cancel(ref);
    const gone = await bankError(adapter.alter(ref, { kind: 'abatimento', cents: 100 }));
    expect(gone).toMatchObject({ kind: 'CONFLICT', details: { operation: 'alter-abatimento' } });
    const unknown = await bankError(
      adapter.alter({ nossoNumero: nextSicoobNossoNumero(sim) }, { kind: 'valorNominal', cents: 100 }),
    );
    expect(unknown.kind).toBe('NOT_FOUND');
  });

  it('every exchange with the simulator › valid for Sicoob’s OpenAPI', () => {
    expect(checked.problems).toEqual([]);
  });
});
