/**
 * Itaú outbound fidelity, against the strict simulator over mTLS and against golden fixtures of real bodies
 * (test/fixtures/itau/SOURCES.md): the three bolecode endpoints, each with its own envelope and amount format; payer
 * text fitted to Itaú's limits; PATCH instruction bodies flat or in {data}; a 200 "Aguardando aprovação" that is not
 * done until the consulta shows it; a bolecode paid by Pix and then "Baixada" mapped to SETTLED.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itauAccountFromSettings } from '../../../src/banks/itau/account';
import { simulatedAccounts } from '../../../src/simulators/defaults';
import type { ItauBolecodeApi } from '../../../src/banks/itau/config';
import { loadConfig } from '../../../src/config';
import { fromItauBoleto, itauUnwrapped, normaliseSituacao, toItauRegister } from '../../../src/banks/itau/mapping';
import { fitItauPayer, fitItauText } from '../../../src/banks/itau/text';
import type { RegisterBoletoRequest } from '../../../src/contracts/bank';
import { addDays, parsePix } from '../../../src/domain';
import type { ItauSimulator } from '../../../src/simulators/itau/server';
import {
  adapterConfigOf,
  adapterFor,
  admin,
  bankErrorOf,
  boletoRequest,
  CPF,
  nextNossoNumero,
  rawCall,
  startSim,
  type TestAdapter,
  TODAY,
} from './helpers';

const FIXTURES = join(__dirname, '../../fixtures/itau');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

/** Each endpoint, its fixture, and the interest kind its fixture carries (so the same fields are compared). */
const ENDPOINTS: {
  api: ItauBolecodeApi;
  path: string;
  file: string;
  answerWrapped: boolean;
  interest: RegisterBoletoRequest['interest'];
}[] = [
  {
    api: 'pix_recebimentos_conciliacoes',
    path: '/pix_recebimentos_conciliacoes/v2/boletos_pix',
    file: 'request-pix-recebimentos-conciliacoes-boletos-pix.json',
    answerWrapped: true,
    interest: { type: 'FIXED_DAILY', cents: 10 },
  },
  {
    api: 'recebimentos_pix',
    path: '/recebimentos-pix/v1/boletos-pix',
    file: 'request-recebimentos-pix-boletos-pix.json',
    answerWrapped: false,
    interest: { type: 'PERCENT_MONTHLY', basisPoints: 100 },
  },
  {
    api: 'cash_management',
    path: '/cash_management/v2/boletos',
    file: 'request-cash-management-boletos.json',
    answerWrapped: true,
    interest: { type: 'PERCENT_MONTHLY', basisPoints: 100 },
  },
];

/**
 * A body's shape: every leaf path (arrays as `[]`) → a class. Amounts (`valor_*`) and percentages (`percentual_*`)
 * are `implied` (digits only) or `decimal` ("123.45" / "1.00000"); dates `date`; a number or a digit string outside
 * those is `numeric` (Itaú's own example sends `quantidade_maximo_parcial: 2`, BoletoNetCore the string "0").
 */
function shapeOf(v: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  const key = path.split('.').at(-1)?.replace('[]', '') ?? '';
  if (Array.isArray(v)) v.forEach((x) => shapeOf(x, `${path}[]`, out));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) shapeOf(x, path ? `${path}.${k}` : k, out);
  else if (/^(valor|percentual)_/.test(key) && typeof v === 'string')
    out.set(path, /^\d+$/.test(v) ? 'implied' : /^\d+\.\d{2}$|^\d+\.\d{5}$/.test(v) ? 'decimal' : `bad:${v}`);
  else if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) out.set(path, 'date');
  else if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v) && /^(quantidade|codigo)_/.test(key)))
    out.set(path, 'numeric');
  else out.set(path, typeof v);
  return out;
}

/**
 * Fields of the endpoint's schema our mapping may send that the fixture's example happens not to carry (Itaú's
 * OpenAPIs: boletoPix / boleto; for cash_management `dados_qrcode` is the [U] boleto_pix variant).
 */
const COMMON_OPTIONAL = [
  'codigo_canal_operacao',
  'dado_boleto.data_emissao',
  'dado_boleto.forma_envio',
  'dado_boleto.pagador.texto_endereco_email',
  'dado_boleto.pagador.pessoa.tipo_pessoa.numero_cadastro_nacional_pessoa_juridica',
  'dado_boleto.dados_individuais_boleto[].texto_seu_numero',
  'dado_boleto.dados_individuais_boleto[].data_limite_pagamento',
  'dado_boleto.juros.codigo_tipo_juros',
  'dado_boleto.juros.percentual_juros',
  'dado_boleto.juros.valor_juros',
  'dado_boleto.juros.data_juros',
  'dado_boleto.multa.codigo_tipo_multa',
  'dado_boleto.multa.percentual_multa',
  'dado_boleto.multa.valor_multa',
  'dado_boleto.multa.data_multa',
  'dados_qrcode.chave',
  'dados_qrcode.tipo_cobranca',
];
const CASH_FIELDS = [
  'dado_boleto.pagamento_parcial',
  'dado_boleto.quantidade_maximo_parcial',
  'dado_boleto.desconto_expresso',
];

/** A full bolecode request: interest, fine, seu número, deadline, e-mail (a CPF payer, as the fixtures'). */
const fullRequest = (over: Partial<RegisterBoletoRequest> = {}): RegisterBoletoRequest =>
  boletoRequest({
    kind: 'BOLECODE',
    amountCents: 123_456,
    paymentDeadline: addDays(TODAY, 40),
    interest: { type: 'PERCENT_MONTHLY', basisPoints: 100 },
    fine: { type: 'PERCENT', basisPoints: 200 },
    ...over,
  });

/** The fixture with only what a bank would refuse today replaced: beneficiary, nosso número, a valid CPF, dates. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function runnable(sim: ItauSimulator, body: any): { body: any; nn: string } {
  const copy = structuredClone(body);
  const d = copy.data ?? copy;
  const nn = nextNossoNumero();
  d.beneficiario.id_beneficiario = sim.bank.idBeneficiario;
  d.etapa_processo_boleto = 'efetivacao';
  const item = d.dado_boleto.dados_individuais_boleto[0];
  item.numero_nosso_numero = nn;
  item.data_vencimento = addDays(TODAY, 20);
  if (item.data_limite_pagamento) item.data_limite_pagamento = addDays(TODAY, 50);
  d.dado_boleto.pagador.pessoa.tipo_pessoa.numero_cadastro_pessoa_fisica = CPF;
  // Itaú's cash_management example has valor_titulo 1199.00 under valor_total_titulo 10.00; one título carries the total.
  item.valor_titulo = d.dado_boleto.valor_total_titulo;
  if (d.dado_boleto.data_emissao) d.dado_boleto.data_emissao = TODAY;
  for (const k of ['juros', 'multa'] as const) {
    const x = d.dado_boleto[k];
    if (x?.[`data_${k}`]) x[`data_${k}`] = addDays(TODAY, 21);
  }
  if (d.dados_qrcode) d.dados_qrcode.chave = 'financeiro@empresa-simulada.example';
  return { body: copy, nn };
}

describe('Itaú outbound › bolecode endpoints, amount formats and golden fixtures (strict simulator)', () => {
  let sim: ItauSimulator;

  beforeAll(async () => {
    sim = await startSim();
    expect(sim.config.strict).toBe(true);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('the default bolecode endpoint › pix_recebimentos_conciliacoes (what every public bolecode client calls)', () => {
    expect(adapterConfigOf(sim).bolecodeApi).toBe('pix_recebimentos_conciliacoes');
  });

  describe.each(ENDPOINTS)('$api', ({ api, path, file, answerWrapped, interest }) => {
    it(`our mapping › the envelope and shape of ${file}: same paths, types and amount/date formats`, () => {
      const config = adapterConfigOf(sim, { bolecodeApi: api });
      const req = fullRequest({ interest });
      const data = toItauRegister(req, config, 'efetivacao');
      const ours = itauUnwrapped(api) ? data : { data };
      const golden = fixture(file);
      expect('data' in ours).toBe('data' in golden);
      const strip = (m: Map<string, string>) => new Map([...m].map(([k, v]) => [k.replace(/^data\./, ''), v]));
      const mine = strip(shapeOf(ours));
      const theirs = strip(shapeOf(golden));
      // The amounts and percentages: the fixture's format, field by field.
      const amounts = [...theirs].filter(([k]) => /(^|\.)(valor|percentual)_[a-z_]+$/.test(k) && mine.has(k));
      expect(amounts.length).toBeGreaterThanOrEqual(2);
      for (const [k, cls] of amounts) expect({ k, cls: mine.get(k) }).toEqual({ k, cls });
      expect([...mine.values()].filter((c) => c.startsWith('bad:'))).toEqual([]);
      // Every field both carry: the same class.
      for (const [k, cls] of mine) if (theirs.has(k)) expect({ k, cls }).toEqual({ k, cls: theirs.get(k) });
      // Nothing the endpoint's schema does not have.
      const allowed = new Set([
        ...theirs.keys(),
        ...COMMON_OPTIONAL,
        ...(api === 'recebimentos_pix' ? [] : CASH_FIELDS),
      ]);
      expect([...mine.keys()].filter((k) => !allowed.has(k))).toEqual([]);
      // Every field of the fixture we model is sent (answer-only and features we do not offer aside).
      const notOurs =
        /id_boleto|codigo_barras|linha_digitavel|texto_uso_beneficiario|mensagem_email|texto_endereco_email|instrucao_cobranca|protesto|recebimento_divergente|valor_abatimento|quantidade_dias_multa|mensagens_cobranca|pagamento_parcial|quantidade_maximo_parcial/;
      expect([...theirs.keys()].filter((k) => !mine.has(k) && !notOurs.test(k))).toEqual([]);
    });

    it(`the fixture itself › accepted by the strict simulator at ${path}; the answer in the endpoint's envelope and amount format`, async () => {
      const { body, nn } = runnable(sim, fixture(file));
      const r = await rawCall(sim, 'POST', path, { headers: { 'x-itau-apikey': sim.defaultApp.clientId }, body });
      expect({ status: r.status, body: r.status === 200 ? 'ok' : r.body }).toEqual({ status: 200, body: 'ok' });
      const answer = answerWrapped ? r.body.data : r.body;
      expect(answerWrapped ? Object.keys(r.body as object) : []).toEqual(answerWrapped ? ['data'] : []);
      const item = answer.dado_boleto.dados_individuais_boleto[0];
      expect(item.numero_nosso_numero).toBe(nn);
      expect(item.codigo_barras).toMatch(/^341\d{41}$/);
      const sent = (body.data ?? body).dado_boleto.dados_individuais_boleto[0].valor_titulo as string;
      expect(item.valor_titulo).toMatch(/^\d+\.\d{2}$/.test(sent) ? /^\d+\.\d{2}$/ : /^\d{17}$/);
    });

    it('a bolecode registers through this endpoint against the strict simulator › EMV with the amount', async () => {
      const t = adapterFor(sim, { bolecodeApi: api });
      const req = fullRequest({ amountCents: 4_321 });
      const b = await t.adapter.register(req);
      expect(b).toMatchObject({ status: 'OPEN', nossoNumero: req.nossoNumero, amountCents: 4_321 });
      expect(parsePix(b.pix?.emv ?? '').amountCents).toBe(4_321);
      expect(sim.bank.byNossoNumero('109', req.nossoNumero ?? '')?.endpoint).toBe(
        api === 'cash_management' ? undefined : api,
      );
      await t.close();
    });
  });

  it('the wrong amount format › refused by the strict simulator with 400 {codigo, mensagem, campos} naming each amount', async () => {
    // recebimentos-pix with 17-digit implied amounts (what cash_management takes).
    const { body } = runnable(sim, fixture('request-recebimentos-pix-boletos-pix.json'));
    body.dado_boleto.valor_total_titulo = '00000000000123456';
    body.dado_boleto.dados_individuais_boleto[0].valor_titulo = '00000000000123456';
    const r = await rawCall(sim, 'POST', '/recebimentos-pix/v1/boletos-pix', {
      headers: { 'x-itau-apikey': sim.defaultApp.clientId },
      body,
    });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ codigo: '400', mensagem: 'Erro na validacao de campos' });
    expect((r.body.campos as { campo: string }[]).map((c) => c.campo)).toEqual([
      'dado_boleto.valor_total_titulo',
      'dado_boleto.dados_individuais_boleto[0].valor_titulo',
    ]);
    expect(r.body.campos[0]).toMatchObject({ valor: '00000000000123456' });
    // pix_recebimentos_conciliacoes with "1234.56" (what recebimentos-pix takes).
    const legacy = runnable(sim, fixture('request-pix-recebimentos-conciliacoes-boletos-pix.json')).body;
    legacy.dado_boleto.valor_total_titulo = '1234.56';
    const l = await rawCall(sim, 'POST', '/pix_recebimentos_conciliacoes/v2/boletos_pix', {
      headers: { 'x-itau-apikey': sim.defaultApp.clientId },
      body: legacy,
    });
    expect(l.status).toBe(400);
    expect(l.body.campos[0]).toMatchObject({ campo: 'dado_boleto.valor_total_titulo', valor: '1234.56' });
    // Through the adapter: an account configured with the other format gets VALIDATION naming the field, nothing registered.
    const wrong = adapterFor(sim, { amountFormat: 'decimal' });
    const req = fullRequest();
    const e = await bankErrorOf(wrong.adapter.register(req));
    expect(e).toMatchObject({ kind: 'VALIDATION', details: { httpStatus: 400 } });
    expect(e.details.fields?.map((f) => f.field)).toContain('dado_boleto.valor_total_titulo');
    expect(sim.bank.byNossoNumero('109', req.nossoNumero ?? '')).toBeUndefined();
    await wrong.close();
  });

  it('a bolecode API body in a {data} envelope › refused by the strict simulator (the fields are not where its schema has them)', async () => {
    const { body } = runnable(sim, fixture('request-recebimentos-pix-boletos-pix.json'));
    const r = await rawCall(sim, 'POST', '/recebimentos-pix/v1/boletos-pix', {
      headers: { 'x-itau-apikey': sim.defaultApp.clientId },
      body: { data: body },
    });
    expect(r.status).toBe(400);
    expect((r.body.campos as { campo: string }[]).map((c) => c.campo)).toEqual(
      expect.arrayContaining(['etapa_processo_boleto', 'dado_boleto']),
    );
  });

  it('the lenient simulator (strict off) › still takes either format, as before', async () => {
    const lenient = await startSim({ strict: false });
    const { body } = runnable(lenient, fixture('request-recebimentos-pix-boletos-pix.json'));
    body.dado_boleto.valor_total_titulo = '00000000000123456';
    body.dado_boleto.dados_individuais_boleto[0].valor_titulo = '00000000000123456';
    const r = await rawCall(lenient, 'POST', '/recebimentos-pix/v1/boletos-pix', {
      headers: { 'x-itau-apikey': lenient.defaultApp.clientId },
      body,
    });
    expect(r.status).toBe(200);
    await lenient.close();
  });
});

describe('Itaú outbound › payer text fitted to Itaú’s limits', () => {
  let sim: ItauSimulator;
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    await sim.close();
  });

  const company = 'Companhia Paulista de Distribuição e Comércio de Peças'; // 54
  const longCompany = `${company} SA`; // 57
  const district = 'Jardim Paulistano'; // 17

  it('limits › name 50, street 45 (the number kept), district 15, city 20; accents kept by default, stripped on request', () => {
    expect([...longCompany]).toHaveLength(57);
    const config = adapterConfigOf(sim);
    const p = {
      ...boletoRequest().payer,
      name: longCompany,
      address: {
        street: 'Avenida Brigadeiro Faria Lima da Cidade de São Paulo',
        number: '3477',
        complement: 'Conjunto 12',
        district,
        city: 'São José do Rio Preto do Norte',
        state: 'SP',
        zipCode: '01451000',
      },
    };
    const f = fitItauPayer(p, config, true);
    expect([...f.name].length).toBeLessThanOrEqual(50);
    expect(longCompany.startsWith(f.name)).toBe(true);
    expect([...f.street].length).toBeLessThanOrEqual(45);
    expect(f.street).toMatch(/ 3477$/);
    expect([...f.district].length).toBeLessThanOrEqual(15);
    expect([...f.city].length).toBeLessThanOrEqual(20);
    expect(f.city).toContain('São');
    const stripped = fitItauPayer(p, { ...config, payerTextAccents: 'strip' }, true);
    expect(stripped.name).not.toMatch(/[\u0080-\uffff]/);
    expect(stripped.city.startsWith('Sao Jose')).toBe(true);
  });

  it('what the bank refuses on a bolecode › removed: §2.4 characters, digits and punctuation in names, unlisted accents (ü)', () => {
    const rules = { payerTextAccents: 'keep' as const, payerTextSanitize: true };
    expect(fitItauText('Maria 2 da Silva (ME)', 50, 'name', rules)).toBe('Maria da Silva ME');
    expect(fitItauText('Müller & Filhos Ltda.', 50, 'name', rules)).toBe('Muller Filhos Ltda');
    expect(fitItauText('Rua <Um>; Casa #2/B', 45, 'address', rules)).toBe('Rua Um Casa 2 B');
    expect(fitItauText('Rua Um', 45, 'address', { ...rules, payerTextSanitize: false })).toBe('Rua Um');
  });

  it('a 57-character company name and a 17-character district › registered at the strict simulator (which enforces the limits); the request keeps the full text', async () => {
    const t = adapterFor(sim);
    const req = fullRequest({
      payer: { ...fullRequest().payer, name: longCompany, address: { ...fullRequest().payer.address, district } },
    });
    const b = await t.adapter.register(req);
    expect(b.status).toBe('OPEN');
    const atBank = sim.bank.byNossoNumero('109', req.nossoNumero ?? '')?.data as {
      dado_boleto: { pagador: { pessoa: { nome_pessoa: string }; endereco: { nome_bairro: string } } };
    };
    expect(atBank.dado_boleto.pagador.pessoa.nome_pessoa.length).toBeLessThanOrEqual(50);
    expect(atBank.dado_boleto.pagador.endereco.nome_bairro.length).toBeLessThanOrEqual(15);
    expect(req.payer.name).toBe(longCompany);
    expect(req.payer.address.district).toBe(district);
    // Without the fitting the same payer is refused with Itaú's field errors.
    const raw = adapterFor(sim, { payerTextLimits: { name: 100, street: 100, district: 100, city: 100 } });
    const e = await bankErrorOf(raw.adapter.register({ ...req, nossoNumero: nextNossoNumero() }));
    expect(e.details.fields?.map((f) => f.field)).toEqual([
      'dado_boleto.pagador.pessoa.nome_pessoa',
      'dado_boleto.pagador.endereco.nome_bairro',
    ]);
    await Promise.all([t.close(), raw.close()]);
  });

  it('a bank that refuses accents (acceptAccents off) › refused as sent; registered with payerTextAccents "strip"', async () => {
    const strictAscii = await startSim({ acceptAccents: false });
    const keep = adapterFor(strictAscii);
    const req = fullRequest({ payer: { ...fullRequest().payer, name: 'José Conceição' } });
    const e = await bankErrorOf(keep.adapter.register(req));
    expect(e.details.fields?.[0]).toMatchObject({
      field: 'dado_boleto.pagador.pessoa.nome_pessoa',
      message: 'Caracter não permitido',
    });
    const strip = adapterFor(strictAscii, { payerTextAccents: 'strip' });
    await expect(strip.adapter.register({ ...req, nossoNumero: nextNossoNumero() })).resolves.toMatchObject({
      status: 'OPEN',
    });
    await Promise.all([keep.close(), strip.close()]);
    await strictAscii.close();
  });
});

describe('Itaú outbound › instructions: body style and "Aguardando aprovação"', () => {
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

  it('flat body (the default, as Itaú’s OpenAPI example) › the fixture’s body accepted by the strict simulator; {data} refused naming the field', async () => {
    const b = await t.adapter.register(boletoRequest());
    const body = { ...fixture('request-patch-data-vencimento.json'), data_vencimento: addDays(TODAY, 30) };
    const ok = await rawCall(sim, 'PATCH', `/cash_management/v2/boletos/${b.bankId}/data_vencimento`, {
      headers: { 'x-itau-apikey': sim.defaultApp.clientId },
      body,
    });
    expect(ok.status).toBe(200);
    expect((await t.adapter.get({ bankId: b.bankId }))?.dueDate).toBe(addDays(TODAY, 30));
    const wrapped = adapterFor(sim, { instructionBody: 'data' });
    const e = await bankErrorOf(wrapped.adapter.changeDueDate({ bankId: b.bankId }, addDays(TODAY, 31)));
    expect(e).toMatchObject({
      kind: 'VALIDATION',
      details: { httpStatus: 400, fields: [{ field: 'data_vencimento', message: 'Data de vencimento inválida' }] },
    });
    await wrapped.close();
  });

  it('a bank configured for {data} bodies › the {data} adapter works, the flat one is refused', async () => {
    const dataSim = await startSim({ instructionBody: 'data' });
    const flat = adapterFor(dataSim);
    const wrapped = adapterFor(dataSim, { instructionBody: 'data' });
    const b = await flat.adapter.register(boletoRequest());
    expect((await bankErrorOf(flat.adapter.changeDueDate({ bankId: b.bankId }, addDays(TODAY, 25)))).kind).toBe(
      'VALIDATION',
    );
    await expect(wrapped.adapter.changeDueDate({ bankId: b.bankId }, addDays(TODAY, 25))).resolves.toEqual({
      accepted: true,
    });
    expect((await wrapped.adapter.get({ bankId: b.bankId }))?.dueDate).toBe(addDays(TODAY, 25));
    await Promise.all([flat.close(), wrapped.close()]);
    await dataSim.close();
  });

  it('cents ,11 › the PATCH answer is exactly Itaú’s 200 "Aguardando aprovação" example, and nothing changed yet', async () => {
    const b = await t.adapter.register(boletoRequest({ amountCents: 10_011 }));
    const r = await rawCall(sim, 'PATCH', `/cash_management/v2/boletos/${b.bankId}/data_vencimento`, {
      headers: { 'x-itau-apikey': sim.defaultApp.clientId },
      body: { data_vencimento: addDays(TODAY, 30) },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(fixture('response-patch-aguardando-aprovacao.json'));
    expect((await t.adapter.get({ bankId: b.bankId }))?.dueDate).toBe(addDays(TODAY, 10));
  });

  it('awaiting approval, the manager slow › changeDueDate re-queries and does not report the new date (CONFLICT); once approved the consulta shows it', async () => {
    const b = await t.adapter.register(boletoRequest({ amountCents: 10_011 }));
    const want = addDays(TODAY, 33);
    const e = await bankErrorOf(t.adapter.changeDueDate({ bankId: b.bankId }, want));
    expect(e).toMatchObject({ kind: 'CONFLICT', details: { httpStatus: 200, operation: 'data_vencimento' } });
    expect(e.message).toContain('Aguardando aprovação');
    expect((await t.adapter.get({ bankId: b.bankId }))?.dueDate).toBe(addDays(TODAY, 10));
    await admin(sim, '/clock/advance', { minutes: 61 });
    expect((await t.adapter.get({ bankId: b.bankId }))?.dueDate).toBe(want);
  });

  it('awaiting approval, the manager quick › changeDueDate re-queries the consulta, sees the change and reports it', async () => {
    const quick = await startSim({ instructionApprovalMinutes: 0 });
    const x = adapterFor(quick);
    const b = await x.adapter.register(boletoRequest({ amountCents: 10_011 }));
    const want = addDays(TODAY, 34);
    await expect(x.adapter.changeDueDate({ bankId: b.bankId }, want)).resolves.toEqual({ accepted: true });
    // No clock tick happened: only the adapter's consulta after the 200 made the approval visible.
    const atBank = quick.bank.byNossoNumero('109', b.nossoNumero);
    expect(atBank?.pendingApprovals).toEqual([]);
    expect(atBank?.vencimento).toBe(want);
    await x.close();
    await quick.close();
  });

  it('awaiting approval on a baixa › accepted but not CANCELLED until the manager approves', async () => {
    const b = await t.adapter.register(boletoRequest({ amountCents: 10_011 }));
    await expect(t.adapter.cancel({ bankId: b.bankId }, 'x')).resolves.toEqual({ accepted: true });
    expect((await t.adapter.get({ bankId: b.bankId }))?.status).toBe('OPEN');
    await admin(sim, `/boletos/${b.nossoNumero}/approve`, {});
    expect(await t.adapter.get({ bankId: b.bankId })).toMatchObject({ status: 'CANCELLED', bankStatus: 'Baixada' });
  });
});

describe('Itaú outbound › a bolecode paid by Pix, then "Baixada"', () => {
  const consultaItem = (situacao: string, meio: string) => ({
    dado_boleto: {
      codigo_carteira: '109',
      pagamentos_cobranca: [
        {
          valor_pago_total_cobranca: '300.00',
          data_hora_inclusao_pagamento: '2026-12-04T10:00:00',
          descricao_meio_pagamento: meio,
        },
      ],
      dados_individuais_boleto: [
        {
          numero_nosso_numero: '12345678',
          situacao_geral_boleto: situacao,
          data_vencimento: '2026-12-20',
          valor_titulo: '300.00',
        },
      ],
    },
  });
  const base = {
    agencia: '1500',
    conta: '00005',
    carteira: '109',
    situacaoOverrides: {},
    pixPaymentPatterns: ['\\bpix\\b'],
  };

  it('mapping [U] › SETTLED_IF_PIX (default): Baixada + Pix payment → SETTLED at the payment time; + another payment → PAID; PAID keeps the old reading', () => {
    const pix = fromItauBoleto(
      consultaItem('Baixada', 'Pix'),
      '2026-12-05T12:00:00.000Z',
      { ...base, baixadaWithPayment: 'SETTLED_IF_PIX' },
      '2026-12-05',
    );
    expect(pix).toMatchObject({
      status: 'SETTLED',
      payment: { paidCents: 30_000 },
      settlement: { settledCents: 30_000 },
    });
    expect(pix.settlement?.settledAt).toBe(pix.payment?.paidAt);
    expect(
      fromItauBoleto(
        consultaItem('Baixada', 'Especie'),
        'x',
        { ...base, baixadaWithPayment: 'SETTLED_IF_PIX' },
        '2026-12-05',
      ).status,
    ).toBe('PAID');
    expect(
      fromItauBoleto(consultaItem('Baixada', 'Pix'), 'x', { ...base, baixadaWithPayment: 'PAID' }, '2026-12-05').status,
    ).toBe('PAID');
    expect(normaliseSituacao('Baixada', { hasPayment: true, overdue: false }, {}, 'SETTLED')).toBe('SETTLED');
    expect(normaliseSituacao('Baixada', { hasPayment: false, overdue: false }, {}, 'SETTLED')).toBe('CANCELLED');
  });

  it('cents ,10 at the simulator › the consulta keeps "Baixada" with the Pix payment; the old mapping (PAID) would wait forever', async () => {
    const sim = await startSim();
    const t = adapterFor(sim);
    const old = adapterFor(sim, { baixadaWithPayment: 'PAID' });
    const req = boletoRequest({ kind: 'BOLECODE', amountCents: 30_010 });
    await t.adapter.register(req);
    await admin(sim, '/clock/advance', { days: 10, stepMinutes: 360 });
    expect(await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' })).toMatchObject({
      status: 'SETTLED',
      bankStatus: 'Baixada',
      payment: { channel: 'Pix' },
    });
    expect(await old.adapter.get({ nossoNumero: req.nossoNumero ?? '' })).toMatchObject({
      status: 'PAID',
      bankStatus: 'Baixada',
    });
    await Promise.all([t.close(), old.close()]);
    await sim.close();
  });
});

describe('Itaú outbound › the Pix side of a bolecode (GET /cob/{txid})', () => {
  let sim: ItauSimulator;
  beforeAll(async () => {
    // The boleto side shows a Pix payment a day late here; the Pix charge at once.
    sim = await startSim({ pixBoletoSideLagMinutes: 24 * 60 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const cob = (txid: string) =>
    rawCall(sim, 'GET', `/regulatorio-pix/v2/cob/${txid}`, { headers: { 'x-itau-apikey': sim.defaultApp.clientId } });

  it('an active charge › the keys and types of Itaú’s regulatório Pix example (devedor and solicitacaoPagador aside: a bolecode’s cob has none)', async () => {
    const t = adapterFor(sim);
    const b = await t.adapter.register(boletoRequest({ kind: 'BOLECODE', amountCents: 7_700 }));
    const r = await cob(b.pix?.txid ?? '');
    expect(r.status).toBe(200);
    const golden = fixture('pix-cob-ativa.json') as Record<string, unknown>;
    const typed = (o: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(o)
          .filter(([k]) => k !== 'devedor' && k !== 'solicitacaoPagador')
          .map(([k, v]) => [k, v !== null && typeof v === 'object' ? Object.keys(v).sort() : typeof v]),
      );
    expect(typed(r.body as Record<string, unknown>)).toEqual(typed(golden));
    expect(r.body).toMatchObject({ status: 'ATIVA', txid: b.pix?.txid, valor: { original: '77.00' } });
    await t.close();
  });

  it('paid by Pix (,10), the boleto side not showing it yet › the consulta alone says OPEN; with the Pix side, SETTLED with the Pix payment', async () => {
    const consultaOnly = adapterFor(sim, { pixChargeLookup: false });
    const t = adapterFor(sim);
    const req = boletoRequest({ kind: 'BOLECODE', amountCents: 30_010 });
    const registered = await t.adapter.register(req);
    await admin(sim, '/clock/advance', { hours: 2, stepMinutes: 30 });
    expect(await consultaOnly.adapter.get({ nossoNumero: req.nossoNumero ?? '' })).toMatchObject({
      status: 'OPEN',
      bankStatus: 'Em Aberto',
    });
    const r = await cob(registered.pix?.txid ?? '');
    expect(r.body).toMatchObject({ status: 'CONCLUIDA', pix: [{ txid: registered.pix?.txid, valor: '300.10' }] });
    expect((r.body as { pix: { endToEndId: string }[] }).pix[0]?.endToEndId).toMatch(/^E60701190\d{12}[0-9a-f]{11}$/);
    const seen = await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' });
    expect(seen).toMatchObject({
      status: 'SETTLED',
      bankStatus: 'Em Aberto; Pix CONCLUIDA',
      payment: { paidCents: 30_010, channel: 'Pix' },
      settlement: { settledCents: 30_010 },
    });
    expect(seen?.settlement?.settledAt).toBe(seen?.payment?.paidAt);
    // A day later the boleto side shows it too ("Baixada" with the Pix payment): the same facts.
    await admin(sim, '/clock/advance', { days: 1, stepMinutes: 360 });
    expect(await consultaOnly.adapter.get({ nossoNumero: req.nossoNumero ?? '' })).toMatchObject({
      status: 'SETTLED',
      bankStatus: 'Baixada',
      payment: { paidCents: 30_010 },
    });
    await Promise.all([t.close(), consultaOnly.close()]);
  });

  it('an unknown txid › 404 in RFC 7807 (the Pix API’s error shape); the adapter keeps the consulta’s answer', async () => {
    const r = await cob('BL00000000000000000000000000000');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ type: 'https://pix.bcb.gov.br/api/v2/error/CobNaoEncontrado', status: 404 });
  });
});

describe('Itaú outbound › the [U] switches from the environment (src/banks/itau/settings.ts → ItauAdapterConfig)', () => {
  it('defaults › pix_recebimentos_conciliacoes on the simulator’s /boletos_pix, flat instructions, accents kept, SETTLED_IF_PIX, the Pix side on', () => {
    // The simulated default account, as the supervisor injects it (src/simulators/defaults.ts).
    const a = itauAccountFromSettings(
      loadConfig({ DATA_DIR: '/tmp/boletoflow-outbound-test' }),
      simulatedAccounts('/tmp/boletoflow-outbound-test').ITAU,
    )!.adapter;
    expect(a).toMatchObject({
      bolecodeApi: 'pix_recebimentos_conciliacoes',
      amountFormat: 'implied',
      instructionBody: 'flat',
      payerTextAccents: 'keep',
      baixadaWithPayment: 'SETTLED_IF_PIX',
      pixChargeLookup: true,
    });
    expect(a.urls.bolecodeConciliacoes).toBe('https://127.0.0.1:4341/pix_recebimentos_conciliacoes/v2');
    expect(a.urls.pix).toBe('https://127.0.0.1:4341/regulatorio-pix/v2');
  });

  it('overrides › each variable reaches the account; a bad value stops start-up naming the variable', () => {
    const a = itauAccountFromSettings(
      loadConfig({
        DATA_DIR: '/tmp/boletoflow-outbound-test',
        ITAU_BOLECODE_API: 'recebimentos_pix',
        ITAU_INSTRUCTION_BODY: 'data',
        ITAU_PAYER_ACCENTS: 'strip',
        ITAU_BAIXADA_WITH_PAYMENT: 'PAID',
        ITAU_PIX_URL: 'https://pix.example/regulatorio-pix/v2',
      }),
      simulatedAccounts('/tmp/boletoflow-outbound-test').ITAU,
    )!.adapter;
    expect(a).toMatchObject({
      bolecodeApi: 'recebimentos_pix',
      instructionBody: 'data',
      payerTextAccents: 'strip',
      baixadaWithPayment: 'PAID',
      urls: { pix: 'https://pix.example/regulatorio-pix/v2' },
    });
    expect(() => loadConfig({ ITAU_BOLECODE_API: 'boletos_pix' })).toThrow(/ITAU_BOLECODE_API/);
    expect(() => loadConfig({ ITAU_INSTRUCTION_BODY: 'wrapped' })).toThrow(/ITAU_INSTRUCTION_BODY/);
  });
});
