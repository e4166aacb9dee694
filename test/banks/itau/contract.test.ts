/** The Itaú adapter against the real Itaú simulator over HTTPS with mutual TLS: every operation and every error class. */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ItauHttp } from '../../../src/banks/itau/client';
import { ItauAdapter } from '../../../src/banks/itau/adapter';
import { addDays, decodeBoleto, itauIdBoleto, parseItauCampoLivre, parsePix } from '../../../src/domain';
import { createPki, issueClientCertificate, rsaKeyPair } from '../../../src/simulators/itau/tls';
import type { ItauSimulator } from '../../../src/simulators/itau/server';
import {
  adapterConfigOf,
  adapterFor,
  admin,
  bankErrorOf,
  boletoRequest,
  CNPJ,
  credsOf,
  PIX_KEY,
  rawCall,
  startSim,
  type TestAdapter,
  TODAY,
  trustAgent,
} from './helpers';

describe('Itaú adapter › contract over mTLS against the simulator', () => {
  let sim: ItauSimulator;
  let t: TestAdapter;

  beforeAll(async () => {
    sim = await startSim();
    t = adapterFor(sim);
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  describe('mutual TLS and tokens', () => {
    it('a call without a client certificate › is refused in the TLS handshake › AUTH, and no token is issued', async () => {
      const agent = trustAgent(sim);
      await expect(
        request(`${sim.url}/api/oauth/token`, {
          method: 'POST',
          dispatcher: agent,
          body: 'grant_type=client_credentials',
        }),
      ).rejects.toThrow();
      await agent.close();
      const noCert = new ItauAdapter({
        http: new ItauHttp(adapterConfigOf(sim), { ...credsOf(sim), certPem: '', keyPem: '' }),
        now: () => new Date(sim.clock.now()),
      });
      const e = await bankErrorOf(noCert.authenticate());
      expect(e.kind).toBe('AUTH');
      expect(e.message).toMatch(/TLS refused/);
      await noCert.http.close();
    });

    it('a client certificate from another CA › refused in the TLS handshake › AUTH', async () => {
      const other = createPki();
      const keys = rsaKeyPair();
      const cert = issueClientCertificate(
        other,
        { subject: { CN: sim.defaultApp.clientId, C: 'BR' }, publicKeyPem: keys.publicKeyPem },
        Date.now(),
        30,
      );
      const x = adapterFor(sim, {}, { certPem: cert.certificatePem, keyPem: keys.privateKeyPem });
      expect((await bankErrorOf(x.adapter.authenticate())).kind).toBe('AUTH');
      await x.close();
    });

    it('a valid certificate of another client_id › token 401 "Falha ao validar token HMAC" › AUTH naming the certificate', async () => {
      const app = await admin(sim, '/apps', { company: 'Outra Empresa' });
      const keys = rsaKeyPair();
      const cert = issueClientCertificate(
        sim.pki,
        { subject: { CN: app.body.clientId, C: 'BR' }, publicKeyPem: keys.publicKeyPem },
        sim.clock.now(),
        30,
      );
      const raw = await request(`${sim.url}/api/oauth/token`, {
        method: 'POST',
        dispatcher: trustAgent(sim, { certPem: cert.certificatePem, keyPem: keys.privateKeyPem }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sim.defaultApp.clientId,
          client_secret: sim.defaultApp.clientSecret,
        }).toString(),
      });
      expect(raw.statusCode).toBe(401);
      expect(await raw.body.json()).toEqual({
        error: 'invalid_client',
        error_description: 'Falha ao validar token HMAC',
      });
      const x = adapterFor(sim, {}, { certPem: cert.certificatePem, keyPem: keys.privateKeyPem });
      const e = await bankErrorOf(x.adapter.authenticate());
      expect(e.kind).toBe('AUTH');
      expect(e.message).toContain('Falha ao validar token HMAC');
      await x.close();
    });

    it('a wrong client_secret › 401 invalid_client › AUTH, the secret never in the message', async () => {
      const x = adapterFor(sim, {}, { clientSecret: 'not-the-secret-123' });
      const e = await bankErrorOf(x.adapter.authenticate());
      expect(e.kind).toBe('AUTH');
      expect(e.message).not.toContain('not-the-secret-123');
      await x.close();
    });

    it('token cache › many concurrent calls › one token; near the 300 s expiry › refreshed before it dies; a revoked token › one refresh and retry', async () => {
      const x = adapterFor(sim);
      const before = sim.sts.state.stats.issued;
      await Promise.all(Array.from({ length: 8 }, () => x.adapter.get({ nossoNumero: '00000001' })));
      expect(x.adapter.tokens.fetches).toBe(1);
      await admin(sim, '/clock/advance', { seconds: 250 });
      await x.adapter.get({ nossoNumero: '00000001' });
      expect(x.adapter.tokens.fetches).toBe(2); // 50 s left < 60 s margin
      sim.sts.state.accessTokens = []; // the bank forgets every token
      await x.adapter.get({ nossoNumero: '00000001' });
      expect(x.adapter.tokens.fetches).toBe(3);
      expect(sim.sts.state.stats.issued - before).toBe(3);
      await x.close();
    });
  });

  describe('required headers', () => {
    it("no x-itau-apikey › 400 with campos naming the header; another app's apikey › 403 without body", async () => {
      const r = await rawCall(sim, 'POST', '/cash_management/v2/boletos', { body: { data: {} } });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({
        codigo: '400',
        mensagem: 'Erro na validacao de campos',
        campos: [{ campo: 'x-itau-apikey', mensagem: 'Header obrigatório não informado', valor: '' }],
      });
      const f = await rawCall(sim, 'POST', '/cash_management/v2/boletos', {
        body: { data: {} },
        headers: { 'x-itau-apikey': '11111111-1111-4111-8111-111111111111' },
      });
      expect(f.status).toBe(403);
      expect(f.body).toBeUndefined();
    });

    it('consulta without x-itau-correlationID › 400 naming it; no Bearer › 401', async () => {
      const q = `/boletoscash/v2/boletos?id_beneficiario=${sim.bank.idBeneficiario}&codigo_carteira=109&nosso_numero=00000001`;
      const r = await rawCall(sim, 'GET', q, { headers: { 'x-itau-apikey': sim.defaultApp.clientId } });
      expect(r.status).toBe(400);
      expect(r.body.campos[0].campo).toBe('x-itau-correlationID');
      const n = await rawCall(sim, 'GET', q, {
        token: false,
        headers: { 'x-itau-apikey': sim.defaultApp.clientId, 'x-itau-correlationID': 'c1' },
      });
      expect(n.status).toBe(401);
    });

    it('consulta without nosso_numero › 400 listing the missing parameter', async () => {
      const r = await rawCall(
        sim,
        'GET',
        `/boletoscash/v2/boletos?id_beneficiario=${sim.bank.idBeneficiario}&codigo_carteira=109`,
        {
          headers: { 'x-itau-apikey': sim.defaultApp.clientId, 'x-itau-correlationID': 'c2' },
        },
      );
      expect(r.status).toBe(400);
      expect(r.body.campos).toEqual([{ campo: 'nosso_numero', mensagem: 'Parâmetro obrigatório', valor: '' }]);
    });
  });

  describe('registration', () => {
    it('boleto › efetivacao › OPEN, bankId = id_boleto (id_beneficiario + carteira + nosso número), bank-341 barcode with our nosso número and DACs', async () => {
      const req = boletoRequest({ amountCents: 12_300 });
      const b = await t.adapter.register(req);
      expect(b.status).toBe('OPEN');
      expect(b.nossoNumero).toBe(req.nossoNumero);
      expect(b.seuNumero).toBe(req.seuNumero);
      expect(b.bankId).toBe(
        itauIdBoleto({ agencia: '1500', conta: '00005', carteira: '109', nossoNumero: req.nossoNumero ?? '' }),
      );
      const decoded = decodeBoleto(b.linhaDigitavel, { today: TODAY });
      expect(decoded).toMatchObject({
        bankCode: '341',
        amountCents: 12_300,
        dueDate: addDays(TODAY, 10),
        barcode: b.barcode,
      });
      expect(parseItauCampoLivre(decoded.campoLivre)).toMatchObject({
        carteira: '109',
        nossoNumero: req.nossoNumero,
        agencia: '1500',
        conta: '00005',
      });
      const again = await t.adapter.get({ bankId: b.bankId });
      expect(again).toMatchObject({
        nossoNumero: req.nossoNumero,
        status: 'OPEN',
        amountCents: 12_300,
        barcode: b.barcode,
        bankStatus: 'Em Aberto',
      });
    });

    it('body on the wire › wrapped in {data}, amounts as 17-digit implied decimals; the answer is {data} too', async () => {
      const r = await rawCall(sim, 'POST', '/cash_management/v2/boletos', {
        headers: { 'x-itau-apikey': sim.defaultApp.clientId },
        body: {
          data: {
            ...(await import('../../../src/banks/itau/mapping')).toItauRegister(
              boletoRequest(),
              adapterConfigOf(sim),
              'simulacao',
            ),
          },
        },
      });
      expect(r.status).toBe(200);
      expect(r.body.data.dado_boleto.valor_total_titulo).toBe('00000000000015000');
      expect(r.body.data.dado_boleto.dados_individuais_boleto[0].codigo_barras).toMatch(/^341\d{41}$/);
      expect(r.body.data.id_boleto).toBeUndefined(); // simulation: nothing registered
    });

    it('validacao (validate only) › ok and nothing is registered, the nosso número stays free', async () => {
      const req = boletoRequest();
      await expect(t.adapter.validate(req)).resolves.toEqual({ ok: true });
      expect(await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' })).toBeNull();
      await expect(t.adapter.register(req)).resolves.toMatchObject({ status: 'OPEN' });
    });

    it('the same nosso número twice › 422 › ALREADY_REGISTERED, and findRegistered returns the first boleto', async () => {
      const req = boletoRequest();
      const first = await t.adapter.register(req);
      const e = await bankErrorOf(t.adapter.register(req));
      expect(e.kind).toBe('ALREADY_REGISTERED');
      expect(e.details.httpStatus).toBe(422);
      expect(e.details.fields?.[0]).toMatchObject({ field: 'numero_nosso_numero', value: req.nossoNumero });
      expect(await t.adapter.findRegistered(req)).toMatchObject({ bankId: first.bankId, status: 'OPEN' });
    });

    it('a nosso número after baixa › held 45 days (ALREADY_REGISTERED), free again on day 46', async () => {
      const own = await startSim();
      const x = adapterFor(own);
      const req = boletoRequest();
      await x.adapter.register(req);
      await x.adapter.cancel({ nossoNumero: req.nossoNumero ?? '' }, 'test');
      await admin(own, '/clock/advance', { days: 44, stepMinutes: 1440 });
      expect((await bankErrorOf(x.adapter.register({ ...req, dueDate: addDays(TODAY, 60) }))).kind).toBe(
        'ALREADY_REGISTERED',
      );
      await admin(own, '/clock/advance', { days: 2, stepMinutes: 1440 });
      const again = await x.adapter.register({
        ...req,
        seuNumero: 'NEW1',
        issueDate: own.clock.today(),
        dueDate: addDays(TODAY, 60),
      });
      expect(again.status).toBe('OPEN');
      expect((await x.adapter.get({ nossoNumero: req.nossoNumero ?? '' }))?.seuNumero).toBe('NEW1');
      await x.close();
      await own.close();
    });

    it("field errors › 400 in Itaú's {codigo, mensagem, campos:[{campo, mensagem, valor}]} shape › VALIDATION with every field", async () => {
      // Limits lifted so the bank sees the long district (the adapter truncates by default: outbound.test.ts).
      const long = adapterFor(sim, { payerTextLimits: { name: 100, street: 100, district: 100, city: 100 } });
      const e = await bankErrorOf(
        long.adapter.register(
          boletoRequest({
            payer: {
              ...boletoRequest().payer,
              document: '12345678900',
              address: { ...boletoRequest().payer.address, zipCode: '123', district: 'Bairro com nome muito comprido' },
            },
          }),
        ),
      );
      await long.close();
      expect(e.kind).toBe('VALIDATION');
      expect(e.details.httpStatus).toBe(400);
      expect(e.details.fields).toEqual([
        {
          field: 'dado_boleto.pagador.pessoa.tipo_pessoa.numero_cadastro_pessoa_fisica',
          message: 'CPF inválido',
          value: '12345678900',
        },
        {
          field: 'dado_boleto.pagador.endereco.nome_bairro',
          message: 'Tamanho máximo de 15 caracteres',
          value: 'Bairro com nome muito comprido',
        },
        { field: 'dado_boleto.pagador.endereco.numero_CEP', message: 'CEP inválido', value: '123' },
      ]);
    });

    it('bolecode › forbidden characters, words and digits in the payer name (§2.4) › VALIDATION naming each field', async () => {
      const p = boletoRequest().payer;
      // Payer text sent as given (the adapter's default removes what the bank refuses: test/banks/itau/outbound.test.ts).
      const raw = adapterFor(sim, { payerTextSanitize: false });
      const e = await bankErrorOf(
        raw.adapter.register(
          boletoRequest({
            kind: 'BOLECODE',
            messages: ['Pague em http://x'],
            payer: { ...p, name: 'Maria 2 da Silva', address: { ...p.address, street: 'Rua <Um>; Casa' } },
          }),
        ),
      );
      await raw.close();
      expect(e.kind).toBe('VALIDATION');
      const byField = Object.fromEntries((e.details.fields ?? []).map((f) => [f.field, f.message]));
      expect(byField).toMatchObject({
        'dado_boleto.pagador.pessoa.nome_pessoa': 'Nome deve conter apenas letras e espaços',
        'dado_boleto.pagador.endereco.nome_logradouro': 'Caracter não permitido',
        'dado_boleto.lista_mensagem_cobranca[0].mensagem': 'Caracter não permitido',
      });
      // The same text on a plain boleto passes (the rules are documented for bolecode; textRules: 'all' extends them).
      await expect(
        t.adapter.register(boletoRequest({ payer: { ...p, name: 'Maria 2 da Silva' } })),
      ).resolves.toMatchObject({ status: 'OPEN' });
    });

    it("vencimento more than 360 days ago › 422 › VALIDATION with Itaú's message", async () => {
      const e = await bankErrorOf(
        t.adapter.register(boletoRequest({ issueDate: addDays(TODAY, -400), dueDate: addDays(TODAY, -361) })),
      );
      expect(e.kind).toBe('VALIDATION');
      expect(e.details.httpStatus).toBe(422);
      expect(e.details.fields).toEqual([
        {
          field: 'data_vencimento',
          message: 'Vencimento menor que prazo mínimo para carteira - (-360 dias)',
          value: addDays(TODAY, -361),
        },
      ]);
    });

    it('no nosso número › refused locally before any call (Itaú carteira 109 needs ours)', async () => {
      const { nossoNumero: _nn, ...req } = boletoRequest();
      expect((await bankErrorOf(t.adapter.register(req))).kind).toBe('VALIDATION');
    });

    it('cents ,04 › 422 payer blocked › VALIDATION', async () => {
      const e = await bankErrorOf(t.adapter.register(boletoRequest({ amountCents: 10_004 })));
      expect(e.kind).toBe('VALIDATION');
      expect(e.details.fields?.[0]?.message).toBe('Pagador bloqueado para emissão');
    });

    it('cents ,08 › 503 without body + Retry-After twice, nothing created › UNAVAILABLE (retryAfterMs, outcome unknown); the third call registers', async () => {
      const req = boletoRequest({ amountCents: 10_008 });
      for (let i = 0; i < 2; i++) {
        const e = await bankErrorOf(t.adapter.register(req));
        expect(e).toMatchObject({
          kind: 'UNAVAILABLE',
          details: { httpStatus: 503, retryAfterMs: 1000, outcomeUnknown: true },
        });
        expect(await t.adapter.findRegistered(req)).toBeNull();
      }
      await expect(t.adapter.register(req)).resolves.toMatchObject({ status: 'OPEN', nossoNumero: req.nossoNumero });
    });

    it('cents ,09 › 202 "operação em andamento" › the adapter queries by nosso número until the boleto shows, and returns it', async () => {
      const req = boletoRequest({ amountCents: 10_009 });
      const b = await t.adapter.register(req);
      expect(b).toMatchObject({ status: 'OPEN', nossoNumero: req.nossoNumero, amountCents: 10_009 });
      expect(sim.bank.byNossoNumero('109', req.nossoNumero ?? '')?.hiddenQueries).toBe(0);
    });

    it('cents ,09 with the boleto never showing › UNAVAILABLE with outcomeUnknown after the configured queries', async () => {
      const slow = await startSim({ pendingQueriesBeforeVisible: 100 });
      const x = adapterFor(slow, { pendingQueryAttempts: 3 });
      const e = await bankErrorOf(x.adapter.register(boletoRequest({ amountCents: 10_009 })));
      expect(e).toMatchObject({ kind: 'UNAVAILABLE', details: { httpStatus: 202, outcomeUnknown: true } });
      await x.close();
      await slow.close();
    });
  });

  describe('bolecode', () => {
    it('boleto_pix with dados_qrcode.chave › a valid EMV (CRC, key, amount), txid BL + agência + conta + carteira + nosso número, a PNG QR', async () => {
      const req = boletoRequest({
        kind: 'BOLECODE',
        amountCents: 23_456,
        payer: { ...boletoRequest().payer, document: CNPJ },
      });
      const b = await t.adapter.register(req);
      expect(b.pix?.emv).toBeDefined();
      const pix = parsePix(b.pix?.emv ?? '');
      expect(pix).toMatchObject({
        kind: 'static',
        key: PIX_KEY,
        amountCents: 23_456,
        currency: '986',
        countryCode: 'BR',
        txid: null,
      });
      expect(b.pix?.txid).toBe(`BL150000000051090000000${req.nossoNumero}`);
      expect(b.pix?.txid).toHaveLength(31);
      const stored = sim.bank.byNossoNumero('109', req.nossoNumero ?? '');
      expect(
        Buffer.from(stored?.pix?.base64 ?? '', 'base64')
          .subarray(1, 4)
          .toString('latin1'),
      ).toBe('PNG');
      const q = await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' });
      expect(q?.pix?.emv).toBe(b.pix?.emv);
    });

    it('bolecode through recebimentos-pix v1 (unwrapped body and answer) › same EMV rules', async () => {
      const x = adapterFor(sim, { bolecodeApi: 'recebimentos_pix' });
      const b = await x.adapter.register(boletoRequest({ kind: 'BOLECODE', amountCents: 5_000 }));
      expect(parsePix(b.pix?.emv ?? '').amountCents).toBe(5_000);
      await x.close();
    });

    it('bolecode without a Pix key anywhere › refused locally › VALIDATION', async () => {
      const x = adapterFor(sim, { pixKey: undefined });
      expect(
        (await bankErrorOf(x.adapter.register(boletoRequest({ kind: 'BOLECODE' })))).details.fields?.[0]?.field,
      ).toBe('pixKey');
      await x.close();
    });
  });

  describe('instructions', () => {
    it('data_vencimento 200, valor_nominal 200, abatimento 202, data_limite_pagamento 204 › accepted; the consulta shows the changes and the history', async () => {
      const req = boletoRequest();
      const b = await t.adapter.register(req);
      await expect(t.adapter.changeDueDate({ bankId: b.bankId }, addDays(TODAY, 20))).resolves.toEqual({
        accepted: true,
      });
      await expect(
        t.adapter.instruction({ bankId: b.bankId }, 'valor_nominal', { valor_titulo: '00000000000016000' }),
      ).resolves.toMatchObject({ httpStatus: 200 });
      await expect(
        t.adapter.instruction({ bankId: b.bankId }, 'abatimento', { valor_abatimento: '10.00' }),
      ).resolves.toMatchObject({ httpStatus: 202 });
      await expect(
        t.adapter.instruction({ bankId: b.bankId }, 'data_limite_pagamento', {
          data_limite_pagamento: addDays(TODAY, 50),
        }),
      ).resolves.toMatchObject({ httpStatus: 204 });
      const after = await t.adapter.get({ bankId: b.bankId });
      expect(after).toMatchObject({
        dueDate: addDays(TODAY, 20),
        amountCents: 16_000,
        paymentDeadline: addDays(TODAY, 50),
      });
      expect(decodeBoleto(after?.barcode ?? '', { today: TODAY })).toMatchObject({
        dueDate: addDays(TODAY, 20),
        amountCents: 16_000,
      });
      expect(sim.bank.byNossoNumero('109', req.nossoNumero ?? '')?.historico.map((h) => h.operacao)).toEqual([
        'Emissão',
        'Alteração de vencimento',
        'Alteração de valor nominal',
        'Concessão de abatimento',
        'Alteração de data limite de pagamento',
      ]);
    });

    it('baixa › 204 › CANCELLED ("Baixada" as traffic spells it, with the motivo); a retried baixa › accepted', async () => {
      const b = await t.adapter.register(boletoRequest());
      await expect(t.adapter.cancel({ bankId: b.bankId }, 'cliente desistiu')).resolves.toEqual({ accepted: true });
      const after = await t.adapter.get({ bankId: b.bankId });
      expect(after).toMatchObject({
        status: 'CANCELLED',
        bankStatus: 'Baixada',
        cancellation: { reason: 'Baixa solicitada pelo beneficiário' },
      });
      await expect(t.adapter.cancel({ bankId: b.bankId }, 'again')).resolves.toEqual({ accepted: true });
    });

    it('baixa of a settled boleto › 422 "Boleto já liquidado" › CONFLICT; a due-date change on it › CONFLICT', async () => {
      const req = boletoRequest();
      const b = await t.adapter.register(req);
      await admin(sim, `/boletos/${req.nossoNumero}/pay`, {});
      await admin(sim, `/boletos/${req.nossoNumero}/settle`, {});
      const e = await bankErrorOf(t.adapter.cancel({ bankId: b.bankId }, 'x'));
      expect(e).toMatchObject({ kind: 'CONFLICT', details: { httpStatus: 422 } });
      expect(e.message).toContain('Boleto já liquidado');
      expect((await bankErrorOf(t.adapter.changeDueDate({ bankId: b.bankId }, addDays(TODAY, 30)))).kind).toBe(
        'CONFLICT',
      );
    });

    it('an unknown boleto › 404 › NOT_FOUND; get of an unknown nosso número › null', async () => {
      expect((await bankErrorOf(t.adapter.cancel({ nossoNumero: '99999998' }, 'x'))).kind).toBe('NOT_FOUND');
      expect(await t.adapter.get({ nossoNumero: '99999998' })).toBeNull();
      const x = adapterFor(await startSim({ unknownQuery: '404' }));
      expect(await x.adapter.get({ nossoNumero: '99999998' })).toBeNull();
      await x.close();
    });

    it('search and bank PDF › not Itaú capabilities › VALIDATION without any call', async () => {
      expect(t.adapter.capabilities.has('SEARCH')).toBe(false);
      expect((await bankErrorOf(t.adapter.search({}))).kind).toBe('VALIDATION');
      expect((await bankErrorOf(t.adapter.pdf({ nossoNumero: '1' }))).kind).toBe('VALIDATION');
    });

    it('bank outage (503 from the gateway) › UNAVAILABLE; for a write › outcome unknown', async () => {
      await admin(sim, '/faults', { count: 1, status: 503, retryAfterSeconds: 2 });
      const e = await bankErrorOf(t.adapter.register(boletoRequest()));
      expect(e).toMatchObject({
        kind: 'UNAVAILABLE',
        details: { httpStatus: 503, retryAfterMs: 2000, outcomeUnknown: true },
      });
    });
  });
});
