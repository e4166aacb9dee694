/** The BS2 adapter against the real BS2 simulator over HTTP: every operation and every error class. */
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankError } from '../../../src/banks/errors';
import { addDays, decodeBoleto } from '../../../src/domain';
import type { Bs2Simulator } from '../../../src/simulators/bs2/server';
import { admin, adapterFor, boletoRequest, CNPJ, rawCall, startSim, type TestAdapter, TODAY } from './helpers';

async function bankError(p: Promise<unknown>): Promise<BankError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BankError) return e;
    throw e;
  }
  throw new Error('expected a BankError');
}

describe('BS2 adapter › contract against the simulator', () => {
  let sim: Bs2Simulator;
  let t: TestAdapter;

  beforeAll(async () => {
    sim = await startSim();
    t = adapterFor(sim);
  });
  afterAll(async () => {
    await t.http.close();
    await sim.close();
  });

  it('register › a valid request › returns id, 11-digit sequential nossoNumero, and a bank-218 barcode/linha the domain library validates', async () => {
    const a = await t.adapter.register(boletoRequest({ amountCents: 12_345 }));
    const b = await t.adapter.register(
      boletoRequest({ amountCents: 12_345, payer: { ...boletoRequest().payer, document: CNPJ } }),
    );
    expect(a.bankId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.nossoNumero).toMatch(/^\d{11}$/);
    expect(Number(b.nossoNumero)).toBe(Number(a.nossoNumero) + 1);
    expect(a.status).toBe('OPEN');
    const decoded = decodeBoleto(a.linhaDigitavel, { today: TODAY });
    expect(decoded).toMatchObject({
      bankCode: '218',
      amountCents: 12_345,
      dueDate: addDays(TODAY, 10),
      barcode: a.barcode,
    });
    expect(decoded.campoLivre.slice(13, 24)).toBe(a.nossoNumero);
  });

  it('register › v1 path (registerApi v1) › registers the same way', async () => {
    const v1 = adapterFor(sim, { registerApi: 'v1' }, {}, t.tokens);
    const b = await v1.adapter.register(boletoRequest());
    expect(b.status).toBe('OPEN');
    await v1.http.close();
  });

  it('register › amount under R$ 5,00 or over R$ 500.000,00 › VALIDATION with BS2 tag ValorBoleto and message', async () => {
    const low = await bankError(t.adapter.register(boletoRequest({ amountCents: 499 })));
    expect(low.kind).toBe('VALIDATION');
    expect(low.details.fields).toEqual([{ field: 'ValorBoleto', message: 'Boleto com valor inferior a R$ 5,00' }]);
    const high = await bankError(t.adapter.register(boletoRequest({ amountCents: 50_000_001 })));
    expect(high.details.fields).toEqual([
      { field: 'ValorBoleto', message: 'Boleto com valor superior a R$ 500.000,00' },
    ]);
    expect(high.details.httpStatus).toBe(400);
  });

  it('register › due date in the past › VALIDATION tag Vencimento', async () => {
    const e = await bankError(t.adapter.register(boletoRequest({ dueDate: addDays(TODAY, -1) })));
    expect(e.details.fields).toEqual([
      { field: 'Vencimento', message: 'Data de vencimento deve ser maior ou igual a data de hoje.' },
    ]);
  });

  it('register › bad CPF › VALIDATION tag Documento', async () => {
    const e = await bankError(
      t.adapter.register(boletoRequest({ payer: { ...boletoRequest().payer, document: '12345678900' } })),
    );
    expect(e.kind).toBe('VALIDATION');
    expect(e.details.fields?.[0]?.field).toBe('Documento');
  });

  it('simulator › missing payer or several problems › HTTP 400 with every error in BS2 array shape', async () => {
    const r = await rawCall(sim, t, 'POST', '/pj/forintegration/cobranca/v2/boletos/simplificado', {
      valor: 1,
      vencimento: '2020-01-01',
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual([
      { descricao: 'Boleto com valor inferior a R$ 5,00', tag: 'ValorBoleto' },
      { descricao: 'Data de vencimento deve ser maior ou igual a data de hoje.', tag: 'Vencimento' },
      { descricao: 'Não pode ser nulo ou vazio.', tag: 'Cliente' },
    ]);
  });

  it('register › a bolecode or fixed daily interest › refused locally as VALIDATION (BS2 cannot express them)', async () => {
    expect((await bankError(t.adapter.register(boletoRequest({ kind: 'BOLECODE' })))).kind).toBe('VALIDATION');
    expect(
      (await bankError(t.adapter.register(boletoRequest({ interest: { type: 'FIXED_DAILY', cents: 10 } })))).details
        .fields?.[0]?.field,
    ).toBe('interest');
  });

  it('register › seuNumero the bank already holds › ALREADY_REGISTERED', async () => {
    const req = boletoRequest();
    await t.adapter.register(req);
    const e = await bankError(t.adapter.register(req));
    expect(e.kind).toBe('ALREADY_REGISTERED');
  });

  it('get › by bank id and by nossoNumero › the same boleto, wrapped item parsed; unknown › null', async () => {
    const b = await t.adapter.register(
      boletoRequest({
        amountCents: 7_000,
        fine: { type: 'PERCENT', basisPoints: 200 },
        interest: { type: 'PERCENT_MONTHLY', basisPoints: 100 },
        messages: ['Não receber após 30 dias'],
      }),
    );
    const byId = await t.adapter.get({ bankId: b.bankId });
    const byNn = await t.adapter.get({ nossoNumero: b.nossoNumero });
    expect(byId).toEqual(byNn);
    expect(byId).toMatchObject({
      bankId: b.bankId,
      nossoNumero: b.nossoNumero,
      amountCents: 7_000,
      barcode: b.barcode,
      status: 'OPEN',
      bankStatus: '1',
    });
    expect(await t.adapter.get({ bankId: '00000000-0000-4000-8000-000000000000' })).toBeNull();
    // A reference BS2 cannot parse is not "not found": 400 tag NossoNumero (test/fixtures/bs2/error-invalid-id.json).
    expect((await bankError(t.adapter.get({ bankId: 'abc123' }))).details.fields).toEqual([
      { field: 'NossoNumero', message: 'Não pode ser nulo ou vazio.' },
    ]);
    const raw = await rawCall(sim, t, 'GET', `/pj/forintegration/cobranca/v1/boletos/${b.bankId}`);
    expect(Object.keys(raw.body.item as object)).toEqual(
      expect.arrayContaining(['codigoBarras', 'valorPago', 'valorLiquidado', 'registrado', 'status', 'multa']),
    );
    expect(raw.body.item.multa).toEqual({ valor: 1.4, data: addDays(TODAY, 11), juros: 1 });
  });

  it('findRegistered › by seuNumero › finds it; an unknown seuNumero › null', async () => {
    const req = boletoRequest();
    const b = await t.adapter.register(req);
    expect((await t.adapter.findRegistered(req))?.bankId).toBe(b.bankId);
    expect(await t.adapter.findRegistered({ ...req, seuNumero: 'NOPE000001' })).toBeNull();
  });

  it('search › filters (due range, status, payer document, seuNumero) and paging › match what the bank holds', async () => {
    const doc = '39053344705';
    const mk = (days: number) =>
      t.adapter.register(
        boletoRequest({ dueDate: addDays(TODAY, days), payer: { ...boletoRequest().payer, document: doc } }),
      );
    const made = [await mk(20), await mk(21), await mk(22)];
    const page1 = await t.adapter.search({ payerDocument: doc, limit: 2 });
    expect(page1.items.map((i) => i.bankId)).toEqual(made.slice(0, 2).map((m) => m.bankId));
    expect(page1.nextCursor).toBeDefined();
    const page2 = await t.adapter.search({ payerDocument: doc, limit: 2, cursor: page1.nextCursor! });
    expect(page2.items.map((i) => i.bankId)).toEqual([made[2]!.bankId]);
    expect(page2.nextCursor).toBeUndefined();
    const ranged = await t.adapter.search({
      payerDocument: doc,
      dueFrom: addDays(TODAY, 21),
      dueTo: addDays(TODAY, 21),
    });
    expect(ranged.items.map((i) => i.bankId)).toEqual([made[1]!.bankId]);
    await t.adapter.cancel({ bankId: made[0]!.bankId }, 'teste');
    expect((await t.adapter.search({ payerDocument: doc, status: 'CANCELLED' })).items.map((i) => i.bankId)).toEqual([
      made[0]!.bankId,
    ]);
    expect((await t.adapter.search({ seuNumero: made[2]!.seuNumero! })).items).toHaveLength(1);
    const over = await rawCall(sim, t, 'GET', '/pj/forintegration/cobranca/v1/boletos?limite=101');
    expect(over.status).toBe(400);
  });

  it('pdf › a registered boleto › a real PDF carrying its linha digitável', async () => {
    const b = await t.adapter.register(boletoRequest());
    const pdf = await t.adapter.pdf({ bankId: b.bankId });
    expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const text = (await new PDFParse({ data: pdf }).getText()).text.replace(/\s+/g, '');
    expect(text).toContain(b.linhaDigitavel.slice(0, 5));
  });

  it('changeDueDate › a future date › accepted; the boleto gets the new due date and a new barcode (fator)', async () => {
    const b = await t.adapter.register(boletoRequest());
    const r = await t.adapter.changeDueDate({ nossoNumero: b.nossoNumero }, addDays(TODAY, 30));
    expect(r.accepted).toBe(true);
    expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const after = await t.adapter.get({ bankId: b.bankId });
    expect(after?.dueDate).toBe(addDays(TODAY, 30));
    expect(decodeBoleto(after!.barcode, { today: TODAY }).dueDate).toBe(addDays(TODAY, 30));
    const past = await bankError(t.adapter.changeDueDate({ bankId: b.bankId }, TODAY));
    expect(past.kind).toBe('VALIDATION');
  });

  it('cancel › an open boleto › accepted and CANCELLED; again › still accepted (idempotent); a paid one › CONFLICT', async () => {
    const b = await t.adapter.register(boletoRequest());
    expect((await t.adapter.cancel({ bankId: b.bankId }, 'pedido cancelado')).accepted).toBe(true);
    expect((await t.adapter.get({ bankId: b.bankId }))?.status).toBe('CANCELLED');
    expect((await t.adapter.cancel({ bankId: b.bankId }, 'de novo')).accepted).toBe(true);
    const p = await t.adapter.register(boletoRequest());
    expect((await admin(sim, `/boletos/${p.bankId}/pay`, {})).status).toBe(200);
    const e = await bankError(t.adapter.cancel({ bankId: p.bankId }, 'tarde demais'));
    expect(e.kind).toBe('CONFLICT');
    expect(e.details.fields?.[0]?.field).toBe('Status');
    const ch = await bankError(t.adapter.changeDueDate({ bankId: p.bankId }, addDays(TODAY, 40)));
    expect(ch.kind).toBe('CONFLICT');
  });

  it('authenticate › working credentials › ok with the token expiry; wrong secret › AUTH', async () => {
    expect(await t.adapter.authenticate()).toMatchObject({ ok: true, expiresAt: expect.any(String) });
    const bad = adapterFor(sim, {}, { apiSecret: 'wrong' });
    const e = await bankError(bad.adapter.authenticate());
    expect(e.kind).toBe('AUTH');
    expect(e.message).not.toContain('wrong');
    await bad.http.close();
  });

  it('auth › access token expired on the bank clock (300 s) › one refresh and the call succeeds', async () => {
    const other = await startSim();
    // Our side's clock does not move: only the bank's 401 can tell the token died.
    const frozenOurs = Date.now();
    const local = adapterFor(other);
    (local.tokens as unknown as { now: () => number }).now = () => frozenOurs;
    await local.adapter.authenticate();
    expect(local.tokens.refreshes).toBe(1);
    other.clock.advance(301_000);
    await local.adapter.search({ limit: 1 });
    expect(local.tokens.refreshes).toBe(2);
    expect(other.tokens.state.stats.issued).toBe(2);
    await local.http.close();
    await other.close();
  });

  it('auth › a refresh elsewhere rotates the token › the old access token gets 401, and the old refresh token is refused', async () => {
    const other = await startSim();
    const one = adapterFor(other);
    const tok = await one.tokens.accessToken();
    other.tokens.regenerate();
    const r = await fetch(`${other.url}/pj/forintegration/cobranca/v1/boletos?limite=1`, {
      headers: { authorization: `Bearer ${tok.accessToken}` },
    });
    expect(r.status).toBe(401);
    const e = await bankError(one.adapter.search({ limit: 1 }));
    expect(e.kind).toBe('AUTH');
    expect(e.message).toContain('invalid_grant');
    await one.http.close();
    await other.close();
  });

  it('bank unavailable › 503 with Retry-After › UNAVAILABLE, retryAfterMs, outcomeUnknown on writes only', async () => {
    const b = await t.adapter.register(boletoRequest());
    await admin(sim, '/faults', { count: 1, status: 503, retryAfterSeconds: 7 });
    const w = await bankError(t.adapter.register(boletoRequest()));
    expect(w).toMatchObject({
      kind: 'UNAVAILABLE',
      details: { httpStatus: 503, retryAfterMs: 7000, outcomeUnknown: true },
    });
    await admin(sim, '/faults', { count: 1, status: 500 });
    const r = await bankError(t.adapter.get({ bankId: b.bankId }));
    expect(r).toMatchObject({ kind: 'UNAVAILABLE', details: { httpStatus: 500, outcomeUnknown: false } });
    await admin(sim, '/faults', { count: 1, status: 429, retryAfterSeconds: 3 });
    expect(await bankError(t.adapter.get({ bankId: b.bankId }))).toMatchObject({
      kind: 'UNAVAILABLE',
      details: { httpStatus: 429, retryAfterMs: 3000 },
    });
  });

  it('token endpoint outage › 503 with Retry-After on the refresh › UNAVAILABLE (not credentials refused), nothing rotated; the next refresh works', async () => {
    const other = await startSim();
    const one = adapterFor(other);
    const before = other.tokens.state.refreshToken;
    await admin(other, '/faults', { count: 1, status: 503, retryAfterSeconds: 4, endpoint: 'token' });
    const e = await bankError(one.adapter.search({ limit: 1 }));
    expect(e).toMatchObject({
      kind: 'UNAVAILABLE',
      details: { httpStatus: 503, retryAfterMs: 4000, operation: 'token' },
    });
    expect(other.tokens.state.refreshToken).toBe(before);
    expect((await admin(other, '/faults', undefined, 'GET')).body).toMatchObject({
      api: { count: 0 },
      token: { count: 0, status: 503 },
    });
    expect((await one.adapter.search({ limit: 1 })).items).toEqual([]);
    expect(other.tokens.state.stats.issued).toBe(1);
    await one.http.close();
    await other.close();
  });

  it('bank unreachable › connection refused › UNAVAILABLE and the write surely not sent (outcomeUnknown false)', async () => {
    const dead = adapterFor(sim, { baseUrl: 'http://127.0.0.1:9' }, {}, t.tokens);
    const e = await bankError(dead.adapter.register(boletoRequest()));
    expect(e).toMatchObject({ kind: 'UNAVAILABLE', details: { outcomeUnknown: false } });
    await dead.http.close();
  });

  it('production User-Agent › required by the bank › the configured code is sent on every request', async () => {
    const strict = await startSim({ requiredUserAgent: 'BS2-CODE-123' });
    const wrong = adapterFor(strict, { userAgent: 'boletoflow' });
    expect((await bankError(wrong.adapter.authenticate())).kind).toBe('AUTH');
    const right = adapterFor(strict, { userAgent: 'BS2-CODE-123' });
    expect((await right.adapter.authenticate()).ok).toBe(true);
    await Promise.all([wrong.http.close(), right.http.close()]);
    await strict.close();
  });

  it('due-date path [U] › configured differently on both sides › the adapter follows its configuration', async () => {
    const path = '/pj/forintegration/cobranca/v1/boletos/{id}/solicitacoes/novovencimento';
    const other = await startSim({ dueDateChangePath: path });
    const a = adapterFor(other, { dueDateChangePath: path });
    const b = await a.adapter.register(boletoRequest());
    expect((await a.adapter.changeDueDate({ bankId: b.bankId }, addDays(TODAY, 12))).accepted).toBe(true);
    const wrong = adapterFor(other, {}, {}, a.tokens);
    expect((await bankError(wrong.adapter.changeDueDate({ bankId: b.bankId }, addDays(TODAY, 13)))).kind).toBe(
      'NOT_FOUND',
    );
    await Promise.all([a.http.close(), wrong.http.close()]);
    await other.close();
  });
});
