/**
 * BS2's real bodies (test/fixtures/bs2, sources in its SOURCES.md) against both sides: the adapter maps and classifies
 * them, and the strict simulator accepts the real requests and answers with exactly the real shapes (keys and JSON
 * types, recursively; values differ, being another boleto).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankError } from '../../../src/banks/errors';
import { checkResponse, fromBs2Boleto, toBs2Register } from '../../../src/banks/bs2/mapping';
import { bs2AdapterConfig } from '../../../src/banks/bs2/config';
import { translateBs2Webhook } from '../../../src/banks/bs2/webhook';
import { addDays } from '../../../src/domain';
import { BS2_SIM_DEFAULT_APP } from '../../../src/simulators/bs2/config';
import type { Bs2Simulator } from '../../../src/simulators/bs2/server';
import { adapterFor, admin, boletoRequest, rawCall, startReceiver, startSim, type TestAdapter, TODAY } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any =>
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/bs2', `${name}.json`), 'utf8'));

/** A body's shape: keys and JSON types, recursively (arrays by their first element). */
function shape(v: unknown): unknown {
  if (v === null) return 'null';
  if (Array.isArray(v)) return [v.length ? shape(v[0]) : 'empty'];
  if (typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
    );
  return typeof v;
}

const SEEN = '2026-03-02T15:00:00.000Z';
const res = (status: number, body: unknown) => ({ status, headers: {}, body: Buffer.from(JSON.stringify(body)) });
const cfg = bs2AdapterConfig({ baseUrl: 'http://unused' });

function thrown(f: () => unknown): BankError {
  try {
    f();
  } catch (e) {
    if (e instanceof BankError) return e;
    throw e;
  }
  throw new Error('expected a BankError');
}

describe('BS2 golden fixtures › adapter', () => {
  it('register response › mapped: id, nossoNumero, `codigoDeBarra` (singular), amount, due date, OPEN', () => {
    const b = fromBs2Boleto(fixture('register-response'), SEEN);
    expect(b).toMatchObject({
      bankId: 'eb5fb4c8-6537-4f99-b36b-fbf02b32f41e',
      nossoNumero: '80110028153',
      seuNumero: '100',
      status: 'OPEN',
      bankStatus: '1',
      amountCents: 2_350,
      dueDate: '2021-03-02',
      barcode: '21891854700000023500010003135853801100281538',
      linhaDigitavel: '21890010070313585380611002815386185470000002350',
    });
    expect(b.payment).toBeUndefined();
  });

  it('GET of a cancelled boleto › `{item}` unwrapped, `cancelamento` as a local date-time string → UTC, deadline read', () => {
    const b = fromBs2Boleto(fixture('get-cancelled').item, SEEN);
    expect(b).toMatchObject({
      bankId: '3ce2f7b5-ecfb-472c-ad5f-a40078ff673a',
      nossoNumero: '80641399519',
      status: 'CANCELLED',
      amountCents: 4_850,
      dueDate: '2021-03-02',
      paymentDeadline: '2021-05-01',
    });
    expect(b.cancellation).toEqual({
      cancelledAt: '2021-02-25T03:07:23.746Z',
      bankTime: '2021-02-25T00:07:23.7465272',
    });
    expect(b.payment).toBeUndefined();
    expect(b.settlement).toBeUndefined();
  });

  it('the error array with HTTP 200 (past due date) › the error it is: VALIDATION with the bank tag, not a boleto', () => {
    const e = thrown(() => checkResponse(res(200, fixture('error-vencimento-http200')), 'register', true, cfg));
    expect(e).toMatchObject({
      kind: 'VALIDATION',
      details: {
        httpStatus: 200,
        fields: [{ field: 'Vencimento', message: 'Data de vencimento deve ser maior ou igual a data de hoje.' }],
      },
    });
  });

  it('HTTP 400 errors › ValorBoleto on register, NossoNumero on a malformed id › VALIDATION naming the tag', () => {
    expect(
      thrown(() => checkResponse(res(400, fixture('error-valor-inferior')), 'register', true, cfg)).details.fields,
    ).toEqual([{ field: 'ValorBoleto', message: 'Boleto com valor inferior a R$ 5,00' }]);
    expect(
      thrown(() => checkResponse(res(400, fixture('error-valor-superior')), 'register', true, cfg)).details.fields,
    ).toEqual([{ field: 'ValorBoleto', message: 'Boleto com valor superior a R$ 500.000,00' }]);
    expect(thrown(() => checkResponse(res(400, fixture('error-invalid-id')), 'get', false, cfg))).toMatchObject({
      kind: 'VALIDATION',
      details: { fields: [{ field: 'NossoNumero', message: 'Não pode ser nulo ou vazio.' }] },
    });
  });

  it('webhook (seed 004) › one event per StatusBoleto entry, local times to UTC, ValorLiquidado as the paid amount', () => {
    const events = translateBs2Webhook({ headers: {}, body: fixture('webhook-paid'), receivedAt: SEEN });
    expect(events).toEqual([
      {
        bank: 'BS2',
        eventId: 'f3ac8876-5fcb-4dbd-868d-fb5ce76b4af7:1',
        kind: 'REGISTERED',
        occurredAt: '2019-10-03T01:23:34.935Z',
        bankTime: '2019-10-02T22:23:34.9351562-03:00',
        nossoNumero: '10016587895',
        seuNumero: '12345',
        source: 'webhook',
      },
      {
        bank: 'BS2',
        eventId: 'f3ac8876-5fcb-4dbd-868d-fb5ce76b4af7:2',
        kind: 'PAID',
        occurredAt: '2019-10-07T10:30:04.903Z',
        bankTime: '2019-10-07T07:30:04.9036831-03:00',
        nossoNumero: '10016587895',
        seuNumero: '12345',
        paidCents: 100_000,
        source: 'webhook',
      },
    ]);
  });

  it('our registration body › `cliente` has exactly the real request’s keys and types', () => {
    const real = fixture('register-request-v1');
    const ours = toBs2Register(
      boletoRequest({
        amountCents: 2_350,
        payer: {
          name: 'Cliente Fulano de Tal',
          document: '75822516000110',
          email: 'empresas@bs2.com',
          phone: '11912345678',
          address: {
            street: 'Avenida Juscelino Kubitschek',
            number: '2041',
            district: 'Itaim Bibi',
            city: 'São Paulo',
            state: 'SP',
            zipCode: '04543011',
          },
        },
      }),
    );
    expect(shape(ours.cliente)).toEqual(shape(real.cliente));
    expect(ours.cliente).toEqual(real.cliente);
    expect(ours.valor).toBe(real.valor);
    expect(typeof ours.vencimento).toBe(typeof real.vencimento);
  });

  it('sacadorAvalista and beneficiarioFinal › sent with `cliente`’s shape (sacador: the real echo’s keys); beneficiarioFinal only on v2', () => {
    const guarantor = {
      name: 'Garante Ltda',
      document: '11222333000181',
      address: { street: 'Rua B', number: '2', district: 'Centro', city: 'Campinas', state: 'SP', zipCode: '13010000' },
    };
    const body = toBs2Register(
      boletoRequest({
        guarantor,
        finalBeneficiary: { name: 'Loja Final Ltda', tradeName: 'Loja Final', document: '11444777000161' },
      }),
      cfg,
    );
    // The keys BS2 echoes for sacadorAvalista (register-response.json), all filled.
    expect(Object.keys(body.sacadorAvalista as object).sort()).toEqual(
      Object.keys(fixture('register-response').sacadorAvalista as object).sort(),
    );
    expect(body.sacadorAvalista).toEqual({
      tipo: 'juridica',
      documento: '11222333000181',
      nome: 'Garante Ltda',
      endereco: {
        cep: '13010000',
        estado: 'SP',
        cidade: 'Campinas',
        bairro: 'Centro',
        logradouro: 'Rua B',
        numero: '2',
        complemento: '',
      },
    });
    expect(body.beneficiarioFinal).toEqual({
      tipo: 'juridica',
      documento: '11444777000161',
      nome: 'Loja Final Ltda',
      nomeFantasia: 'Loja Final',
    });
    const keys = { name: 'razaoSocial', tradeName: 'nomeFantasia', document: 'cpfCnpj', type: 'tipoPessoa' };
    expect(
      toBs2Register(boletoRequest({ finalBeneficiary: { name: 'X', document: '52998224725' } }), {
        registerApi: 'v2',
        finalBeneficiaryKeys: keys,
      }).beneficiarioFinal,
    ).toEqual({ tipoPessoa: 'fisica', cpfCnpj: '52998224725', razaoSocial: 'X' });
    const v1 = thrown(() =>
      toBs2Register(boletoRequest({ finalBeneficiary: { name: 'X', document: '52998224725' } }), {
        ...cfg,
        registerApi: 'v1',
      }),
    );
    expect(v1).toMatchObject({ kind: 'VALIDATION', details: { fields: [{ field: 'finalBeneficiary' }] } });
  });
});

describe('BS2 golden fixtures › strict simulator', () => {
  let sim: Bs2Simulator;
  let t: TestAdapter;
  const PREFIX = '/pj/forintegration/cobranca';

  beforeAll(async () => {
    // The fixture's own user for the password grant (megafono/bs2-ruby).
    sim = await startSim({ app: { ...BS2_SIM_DEFAULT_APP, username: '123_user', password: '123_password' } });
    t = adapterFor(sim);
  });
  afterAll(async () => {
    await t.http.close();
    await sim.close();
  });

  const realRequest = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    ...(fixture('register-request-v1') as Record<string, unknown>),
    vencimento: addDays(TODAY, 10),
    ...over,
  });

  it('the real v1 request › accepted; the answer has exactly the real answer’s shape', async () => {
    expect(sim.config.strict).toBe(true);
    const r = await rawCall(sim, t, 'POST', `${PREFIX}/v1/boletos/simplificado`, realRequest());
    expect(r.status).toBe(200);
    expect(shape(r.body)).toEqual(shape(fixture('register-response')));
    expect(r.body).toMatchObject({
      seuNumero: '100',
      sacado: { tipo: 2, documento: '75822516000110' },
      vencimento: `${addDays(TODAY, 10)}T03:00:00`,
      status: 1,
    });
  });

  it('GET of a cancelled boleto › exactly the real shape: `cancelamento` a string, date-times without offset (7 decimals)', async () => {
    const reg = await rawCall(
      sim,
      t,
      'POST',
      `${PREFIX}/v1/boletos/simplificado`,
      realRequest({ seuNumero: 25, dataLimitePagamento: addDays(TODAY, 70) }),
    );
    expect(reg.status).toBe(200);
    expect(
      (
        await rawCall(sim, t, 'POST', `${PREFIX}/v1/boletos/${reg.body.id as string}/solicitacoes/cancelamentos`, {
          justificativa: 'testando apenas',
        })
      ).status,
    ).toBe(200);
    for (const ref of [reg.body.id as string, String(reg.body.nossoNumero)]) {
      const r = await rawCall(sim, t, 'GET', `${PREFIX}/v1/boletos/${ref}`);
      expect(r.status).toBe(200);
      expect(shape(r.body)).toEqual(shape(fixture('get-cancelled')));
      expect(r.body.item.status).toBe(3);
      for (const k of ['emissao', 'cancelamento'])
        expect(r.body.item[k]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/);
      expect(r.body.item.dataLimitePagamento).toBe(`${addDays(TODAY, 70)}T03:00:00`);
    }
    // And the adapter reads it.
    expect((await t.adapter.get({ bankId: reg.body.id as string }))?.status).toBe('CANCELLED');
  });

  it('a malformed id › HTTP 400 with exactly BS2’s body (tag NossoNumero); a well-formed unknown one › 404', async () => {
    const r = await rawCall(sim, t, 'GET', `${PREFIX}/v1/boletos/abc123`);
    expect(r).toEqual({ status: 400, body: fixture('error-invalid-id') });
    expect((await rawCall(sim, t, 'GET', `${PREFIX}/v1/boletos/00000000-0000-4000-8000-000000000000`)).status).toBe(
      404,
    );
    expect((await rawCall(sim, t, 'POST', `${PREFIX}/v1/boletos/abc123/solicitacoes/cancelamentos`, {})).status).toBe(
      400,
    );
    expect(await t.adapter.get({ bankId: 'abc123' }).catch((e: unknown) => e)).toMatchObject({
      kind: 'VALIDATION',
      details: { httpStatus: 400, fields: [{ field: 'NossoNumero' }] },
    });
  });

  it('the real request with the real (past) due date › HTTP 200 with the error array, exactly; the adapter calls it VALIDATION', async () => {
    const r = await rawCall(sim, t, 'POST', `${PREFIX}/v1/boletos/simplificado`, fixture('register-request-v1'));
    expect(r).toEqual({ status: 200, body: fixture('error-vencimento-http200') });
    const e = await t.adapter.register(boletoRequest({ dueDate: addDays(TODAY, -1) })).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'VALIDATION', details: { httpStatus: 200, fields: [{ field: 'Vencimento' }] } });
    // Not strict: the older 400.
    const lax = await startSim({ strict: false });
    const la = adapterFor(lax);
    expect(
      await la.adapter.register(boletoRequest({ dueDate: addDays(TODAY, -1) })).catch((x: unknown) => x),
    ).toMatchObject({ kind: 'VALIDATION', details: { httpStatus: 400 } });
    await la.http.close();
    await lax.close();
  });

  it('the real amounts out of range › HTTP 400 with exactly BS2’s bodies', async () => {
    expect(await rawCall(sim, t, 'POST', `${PREFIX}/v1/boletos/simplificado`, realRequest({ valor: 2.5 }))).toEqual({
      status: 400,
      body: fixture('error-valor-inferior'),
    });
    expect(await rawCall(sim, t, 'POST', `${PREFIX}/v1/boletos/simplificado`, realRequest({ valor: 500_001 }))).toEqual(
      { status: 400, body: fixture('error-valor-superior') },
    );
  });

  it('token › the real password-grant form (Basic auth) › the real answer’s shape; then the real refresh form › its shape; the old refresh token is dead', async () => {
    const own = await startSim({ app: { ...BS2_SIM_DEFAULT_APP, username: '123_user', password: '123_password' } });
    const post = (form: Record<string, string>) =>
      fetch(`${own.url}/auth/oauth/v2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: `Basic ${Buffer.from(`${BS2_SIM_DEFAULT_APP.apiKey}:${BS2_SIM_DEFAULT_APP.apiSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams(form).toString(),
      });
    const passwordForm = fixture('token-password-request') as Record<string, string>;
    const refreshForm = fixture('token-refresh-request') as Record<string, string>;
    const first = await post(passwordForm);
    expect(first.status).toBe(200);
    const tok = (await first.json()) as Record<string, unknown>;
    expect(shape(tok)).toEqual(shape(fixture('token-response')));
    expect(tok).toMatchObject({ token_type: 'Bearer', scope: 'forintegration', expires_in: 300 });
    const refresh = await post({ ...refreshForm, scope: 'forintegration', refresh_token: String(tok.refresh_token) });
    expect(refresh.status).toBe(200);
    expect(shape(await refresh.json())).toEqual(shape(fixture('token-refresh-response')));
    expect(
      (await post({ ...refreshForm, scope: 'forintegration', refresh_token: String(tok.refresh_token) })).status,
    ).toBe(400);
    // Wrong password › invalid_grant; a bank that only takes refresh_token › unsupported_grant_type.
    const bad = await post({ ...passwordForm, password: 'nope' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_grant');
    await own.close();
    const only = await startSim({ grantTypes: ['refresh_token'] });
    const r = await fetch(`${only.url}/auth/oauth/v2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${BS2_SIM_DEFAULT_APP.apiKey}:${BS2_SIM_DEFAULT_APP.apiSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'password',
        scope: 'forintegration',
        username: 'sim-bs2-user',
        password: 'sim-bs2-password',
      }).toString(),
    });
    expect(((await r.json()) as { error: string }).error).toBe('unsupported_grant_type');
    await only.close();
  });

  it('webhook › the notification has exactly the seed’s contract shape, times with offset and 7 decimals', async () => {
    const rx = await startReceiver();
    const own = await startSim({ webhook: { url: rx.url } });
    const a = adapterFor(own);
    const b = await a.adapter.register(boletoRequest({ amountCents: 10_000 }));
    await admin(own, `/boletos/${b.bankId}/pay`, {});
    const n = rx.received.at(-1)!.body as Record<string, unknown>;
    expect(shape(n)).toEqual(shape(fixture('webhook-paid')));
    expect(n.DataNotificacao).toMatch(/\.\d{7}-03:00$/);
    expect(a.adapter.translateWebhook({ headers: {}, body: n, receivedAt: SEEN }).map((e) => e.kind)).toEqual([
      'REGISTERED',
      'PAID',
    ]);
    await a.http.close();
    await own.close();
    await rx.close();
  });
});
