/**
 * The Sicoob simulator over real HTTPS with mutual TLS, every request checked against Sicoob's OpenAPI before it is
 * sent and every answer of an operation the document describes validated against it (test/simulators/sicoob-openapi.ts
 * over test/fixtures/sicoob/*.openapi.yaml). The gateway's 401/403 are not in the document and are checked apart.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  decodeBoleto,
  nextBusinessDay,
  parsePix,
  parseSicoobCampoLivre,
  sicoobNossoNumeroFromFaixa,
} from '../../src/domain';
import { SimClock } from '../../src/simulators/shared/clock';
import { createSicoobSimulator, type SicoobSimulator } from '../../src/simulators/sicoob/server';
import { SICOOB_SCENARIOS } from '../../src/simulators/sicoob/scenarios';
import { loadSicoobAuth, loadSicoobCobranca, toJsonSchema } from './sicoob-openapi';

const cobranca = loadSicoobCobranca();
const auth = loadSicoobAuth();
const fixture = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sicoob', name), 'utf8')) as T;

// Monday 2026-03-02, 12:00 in Brasília.
const T0 = '2026-03-02T12:00:00-03:00';
const TODAY = '2026-03-02';
const ALL_SCOPES =
  'boletos_inclusao boletos_consulta boletos_alteracao webhooks_alteracao webhooks_consulta webhooks_inclusao';
// A valid CPF (the document's examples use placeholders that fail the check digits).
const PAYER_CPF = '52998224725';

interface Answer {
  status: number;
  body: unknown;
  contentType?: string;
}

interface Harness {
  sim: SicoobSimulator;
  agent: Agent;
  token(scope?: string, clientId?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Calls the Cobrança v3 API: the request must be valid for the document (unless `invalid`), the answer is validated. */
  call(
    method: string,
    path: string,
    opts?: {
      query?: Record<string, string>;
      body?: unknown;
      invalid?: boolean;
      scope?: string;
      headers?: Record<string, string>;
    },
  ): Promise<Answer>;
  admin<T = Record<string, unknown>>(path: string, body?: unknown, method?: string): Promise<T>;
  close(): Promise<void>;
}

type App = { clientId: string; certificatePem: string; privateKeyPem: string };

/** An app's side of the API (its certificate, its tokens), every request and answer checked against the documents. */
function appClient(sim: SicoobSimulator, app: App = sim.defaultApp): Pick<Harness, 'agent' | 'token' | 'call'> {
  const agent = new Agent({ connect: { ca: sim.pki.caCertPem, cert: app.certificatePem, key: app.privateKeyPem } });
  // Tokens cached per scope until their expiry on the simulator's clock (as a client's cache would).
  const tokens = new Map<string, { token: string; expiresAt: number }>();
  const token: Harness['token'] = async (scope = ALL_SCOPES, clientId = app.clientId) => {
    const fields = { grant_type: 'client_credentials', client_id: clientId, scope };
    expect(
      auth.checkRequest({
        method: 'POST',
        path: '/auth/realms/cooperado/protocol/openid-connect/token',
        body: fields,
        contentType: 'application/x-www-form-urlencoded',
      }),
    ).toEqual([]);
    const form = new URLSearchParams(fields);
    const res = await request(sim.tokenUrl, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    const body = (await res.body.json()) as Record<string, unknown>;
    if (res.statusCode === 200) {
      expect(
        auth.checkResponse({
          method: 'POST',
          path: '/auth/realms/cooperado/protocol/openid-connect/token',
          status: 200,
          contentType: String(res.headers['content-type']),
          body,
        }),
      ).toEqual([]);
    }
    return { status: res.statusCode, body };
  };
  const bearer = async (scope: string) => {
    const cached = tokens.get(scope);
    if (cached && cached.expiresAt > sim.clock.now()) return cached.token;
    const r = await token(scope);
    const t = {
      token: String(r.body.access_token),
      expiresAt: sim.clock.now() + (Number(r.body.expires_in) - 10) * 1000,
    };
    tokens.set(scope, t);
    return t.token;
  };
  const call: Harness['call'] = async (method, path, opts = {}) => {
    if (!opts.invalid) expect(cobranca.checkRequest({ method, path, query: opts.query, body: opts.body })).toEqual([]);
    const qs = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : '';
    const res = await request(`${sim.apiUrl}${path}${qs}`, {
      method: method as 'GET',
      dispatcher: agent,
      headers: {
        authorization: `Bearer ${await bearer(opts.scope ?? ALL_SCOPES)}`,
        client_id: app.clientId,
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.body.text();
    const contentType = res.headers['content-type'] as string | undefined;
    const body = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (res.statusCode !== 401 && res.statusCode !== 403)
      expect(cobranca.checkResponse({ method, path, status: res.statusCode, contentType, body })).toEqual([]);
    return { status: res.statusCode, body, ...(contentType ? { contentType } : {}) };
  };
  return { agent, token, call };
}

async function harness(config: Parameters<typeof createSicoobSimulator>[0] = {}): Promise<Harness> {
  const sim = await createSicoobSimulator({ clock: new SimClock({ start: T0, frozen: true }), ...config });
  const { agent, token, call } = appClient(sim);
  const admin: Harness['admin'] = async (path, body, method = body === undefined ? 'GET' : 'POST') => {
    const res = await request(`${sim.publicUrl}/__sim${path}`, {
      method: method as 'GET',
      dispatcher: new Agent({ connect: { ca: sim.pki.caCertPem } }),
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.body.json()) as never;
  };
  return { sim, agent, token, call, admin, close: async () => (await agent.close(), await sim.close()) };
}

function boleto(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    numeroCliente: 229385,
    codigoModalidade: 1,
    numeroContaCorrente: 0,
    codigoEspecieDocumento: 'DM',
    dataEmissao: TODAY,
    seuNumero: 'PED-1',
    identificacaoEmissaoBoleto: 1,
    identificacaoDistribuicaoBoleto: 2,
    valor: 150,
    dataVencimento: addDays(TODAY, 5),
    tipoDesconto: 0,
    tipoMulta: 0,
    tipoJurosMora: 3,
    numeroParcela: 1,
    pagador: {
      numeroCpfCnpj: PAYER_CPF,
      nome: 'Maria da Silva',
      endereco: 'Rua 1, 100',
      bairro: 'Centro',
      cidade: 'Brasilia',
      cep: '70000000',
      uf: 'DF',
    },
    ...over,
  };
}

type Resultado = { resultado: Record<string, unknown> };
const resultado = (a: Answer): Record<string, unknown> => (a.body as Resultado).resultado;
/** The consulta of one boleto by nosso número (the tests' account: numeroCliente 229385, modalidade 1). */
const consulta = async (h: Harness, nossoNumero: unknown): Promise<Record<string, unknown>> =>
  resultado(
    await h.call('GET', '/boletos', {
      query: { numeroCliente: '229385', codigoModalidade: '1', nossoNumero: String(nossoNumero) },
    }),
  );
const mensagens = (a: Answer): string[] =>
  (a.body as { mensagens: { mensagem: string }[] }).mensagens.map((m) => m.mensagem);

async function receiver(): Promise<{
  url: string;
  received: { body: Record<string, unknown>; path?: string }[];
  status: { code: number };
  close(): Promise<void>;
  server: Server;
}> {
  const received: { body: Record<string, unknown>; path?: string }[] = [];
  const status = { code: 200 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as Record<string, unknown>,
        ...(req.url ? { path: req.url } : {}),
      });
      res.statusCode = status.code;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/sicoob`,
    received,
    status,
    server,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('Sicoob OpenAPI validator (test/simulators/sicoob-openapi.ts)', () => {
  it('golden bodies › every answer example of the document › validates against its own operation', () => {
    const cases: [string, string, number, string][] = [
      ['POST', '/boletos', 200, 'response-boleto-post.json'],
      ['GET', '/boletos', 200, 'response-boleto-get.json'],
      ['GET', '/pagadores/98765432185/boletos', 200, 'response-pagador-boletos.json'],
      ['GET', '/boletos/segunda-via', 200, 'response-segunda-via.json'],
      ['GET', '/boletos/faixas-nosso-numero', 200, 'response-faixas-nosso-numero.json'],
      ['POST', '/boletos/movimentacoes', 200, 'response-movimentacoes-post.json'],
      ['GET', '/boletos/movimentacoes', 200, 'response-movimentacoes-get.json'],
      ['POST', '/webhooks', 201, 'response-webhook-post.json'],
      ['GET', '/webhooks', 200, 'response-webhooks-get.json'],
      ['GET', '/webhooks/4/solicitacoes', 200, 'response-webhook-solicitacoes.json'],
      ['POST', '/boletos', 400, 'error-mensagens.json'],
      ['PATCH', '/boletos/6', 406, 'error-mensagens.json'],
    ];
    for (const [method, path, status, file] of cases)
      expect([
        file,
        cobranca.checkResponse({ method, path, status, contentType: 'application/json', body: fixture(file) }),
      ]).toEqual([file, []]);
  });

  it('golden bodies › the request examples › valid, except the Boleto example whose nossoNumero breaks its own int32 format', () => {
    expect(
      cobranca.checkRequest({ method: 'POST', path: '/boletos/6/baixar', body: fixture('request-baixa.json') }),
    ).toEqual([]);
    expect(
      cobranca.checkRequest({
        method: 'POST',
        path: '/boletos/movimentacoes',
        body: fixture('request-movimentacoes.json'),
      }),
    ).toEqual([]);
    expect(
      cobranca.checkRequest({ method: 'POST', path: '/webhooks', body: fixture('request-webhook-cadastro.json') }),
    ).toEqual([]);
    expect(
      cobranca.checkRequest({ method: 'PATCH', path: '/webhooks/4', body: fixture('request-webhook-alteracao.json') }),
    ).toEqual([]);
    expect(cobranca.checkRequest({ method: 'POST', path: '/boletos', body: fixture('request-boleto.json') })).toEqual([
      'request body/nossoNumero must match format "int32" {"format":"int32"}',
    ]);
  });

  it('validator › wrong types, undeclared statuses, bodies on 204 and unknown query parameters › are reported', () => {
    expect(
      cobranca.checkResponse({
        method: 'POST',
        path: '/boletos',
        status: 400,
        contentType: 'application/json',
        body: { mensagens: [{ codigo: 1 }] },
      }),
    ).toHaveLength(2);
    expect(
      cobranca.checkResponse({
        method: 'PATCH',
        path: '/boletos/6',
        status: 200,
        contentType: 'application/json',
        body: {},
      })[0],
    ).toContain('status 200 is not declared');
    expect(
      cobranca.checkResponse({
        method: 'PATCH',
        path: '/boletos/6',
        status: 204,
        contentType: 'application/json',
        body: { x: 1 },
      })[0],
    ).toContain('without content');
    expect(
      cobranca.checkRequest({
        method: 'GET',
        path: '/pagadores/1/boletos',
        query: { numeroCliente: '1', codigoSituação: '1' },
      }),
    ).toEqual(['query parameter codigoSituação is not in the document']);
  });

  it('toJsonSchema › OpenAPI 3.0 nullable (type, enum and $ref) › becomes a null alternative', () => {
    expect(toJsonSchema({ type: 'string', nullable: true, example: 'x' })).toEqual({ type: ['string', 'null'] });
    expect(toJsonSchema({ type: 'string', enum: ['a'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
    expect(toJsonSchema({ $ref: '#/components/schemas/X', nullable: true })).toEqual({
      anyOf: [{ $ref: '#/components/schemas/X' }, { type: 'null' }],
    });
    expect(toJsonSchema({ properties: { example: { type: 'integer', 'x-a': 1 } } })).toEqual({
      properties: { example: { type: 'integer' } },
    });
  });
});

describe('Sicoob simulator › auth (mTLS + client_credentials)', () => {
  let h: Harness;
  beforeAll(async () => void (h = await harness()));
  afterAll(() => h.close());

  it("token › the default app over mTLS › the auth document's 200 shape, Bearer, 300 s", async () => {
    const r = await h.token();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: ALL_SCOPES });
  });

  it("token › a client_id that is not the certificate's › 401 invalid_client; an unknown scope › 400 invalid_scope", async () => {
    expect(await h.token(ALL_SCOPES, 'someone-else')).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await h.token('cobranca_boletos_incluir')).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
  });

  it('mTLS › no client certificate › the handshake fails', async () => {
    const bare = new Agent({ connect: { ca: h.sim.pki.caCertPem } });
    await expect(
      request(h.sim.tokenUrl, { method: 'POST', dispatcher: bare, body: 'grant_type=client_credentials' }).then((r) =>
        r.body.text(),
      ),
    ).rejects.toThrow();
    await bare.close();
  });

  it('API › no Bearer, no client_id header, a token without the scope › 401, 401, 403 (gateway shape [U])', async () => {
    const noBearer = await request(`${h.sim.apiUrl}/health`, { dispatcher: h.agent });
    expect(noBearer.statusCode).toBe(401);
    await noBearer.body.dump();
    expect((await h.call('GET', '/health', { headers: { client_id: '' } })).status).toBe(401);
    const r = await h.call('POST', '/boletos', { body: boleto(), scope: 'boletos_consulta' });
    expect(r).toMatchObject({ status: 403, body: { httpCode: '403' } });
    expect((await h.call('GET', '/health')).status).toBe(200);
  });
});

describe('Sicoob simulator › boletos', () => {
  let h: Harness;
  beforeAll(async () => void (h = await harness()));
  afterAll(() => h.close());

  it("POST /boletos › no nossoNumero, gerarPdf › 200 with the bank's nosso número (DV appended), a 756 barcode and the PDF in base64", async () => {
    const r = await h.call('POST', '/boletos', { body: boleto({ gerarPdf: true }) });
    expect(r.status).toBe(200);
    const b = resultado(r);
    expect(b).toMatchObject({ numeroCliente: 229385, valor: 150, nossoNumero: 17, seuNumero: 'PED-1' });
    const decoded = decodeBoleto(String(b.linhaDigitavel), { today: TODAY });
    expect(decoded).toMatchObject({
      bankCode: '756',
      amountCents: 15_000,
      dueDate: addDays(TODAY, 5),
      barcode: b.codigoBarras,
    });
    expect(parseSicoobCampoLivre(decoded.campoLivre)).toMatchObject({
      cooperativa: '4327',
      codigoCliente: '0229385',
      nossoNumero: '0000001',
      nossoNumeroDv: 7,
      parcela: '001',
    });
    expect(Buffer.from(String(b.pdfBoleto), 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('GET /boletos › by nosso número, linha digitável and barcode › the same boleto (`Em Aberto`); unknown › 204', async () => {
    const b = resultado(await h.call('POST', '/boletos', { body: boleto({ seuNumero: 'PED-2' }) }));
    const base = { numeroCliente: '229385', codigoModalidade: '1' };
    for (const q of [
      { nossoNumero: String(b.nossoNumero) },
      { linhaDigitavel: String(b.linhaDigitavel) },
      { codigoBarras: String(b.codigoBarras) },
    ] as Record<string, string>[]) {
      const r = await h.call('GET', '/boletos', { query: { ...base, ...q } });
      expect(resultado(r)).toMatchObject({
        nossoNumero: b.nossoNumero,
        situacaoBoleto: 'Em Aberto',
        seuNumero: 'PED-2',
      });
    }
    expect(await h.call('GET', '/boletos', { query: { ...base, nossoNumero: '999999' } })).toMatchObject({
      status: 204,
      body: undefined,
    });
  });

  it('GET /pagadores/{cpf}/boletos and GET /boletos/segunda-via › list by payer; PDF in base64 › 200; unknown payer › 204', async () => {
    const list = await h.call('GET', `/pagadores/${PAYER_CPF}/boletos`, {
      query: { numeroCliente: '229385', codigoSituacao: '1' },
    });
    expect((list.body as { resultado: unknown[] }).resultado.length).toBeGreaterThanOrEqual(2);
    expect((await h.call('GET', '/pagadores/11144477735/boletos', { query: { numeroCliente: '229385' } })).status).toBe(
      204,
    );
    const via = await h.call('GET', '/boletos/segunda-via', {
      query: { numeroCliente: '229385', codigoModalidade: '1', nossoNumero: '17', gerarPdf: 'true' },
    });
    expect(
      Buffer.from(String(resultado(via).pdfBoleto), 'base64')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('bolecode › codigoCadastrarPIX 1 › a Pix BR Code in qrCode (Sicoob-like cobv location)', async () => {
    const b = resultado(
      await h.call('POST', '/boletos', { body: boleto({ seuNumero: 'PIX-1', codigoCadastrarPIX: 1 }) }),
    );
    expect(parsePix(String(b.qrCode))).toMatchObject({
      kind: 'dynamic',
      url: expect.stringContaining('/qr/payload/v2/cobv/') as unknown,
    });
  });

  it('faixas-nosso-numero › the DV flag › numbers taken from the range (DV appended) register; a wrong DV is a 400', async () => {
    const f = await h.call('GET', '/boletos/faixas-nosso-numero', {
      query: { numeroCliente: '229385', codigoModalidade: '1', quantidade: '5' },
    });
    const faixa = (f.body as { resultado: { numeroInicial: number; validaDigitoVerificadorNossoNumero: boolean }[] })
      .resultado[0]!;
    expect(faixa.validaDigitoVerificadorNossoNumero).toBe(true);
    const nn = sicoobNossoNumeroFromFaixa(faixa.numeroInicial + 3, true, {
      cooperativa: '4327',
      codigoCliente: '0229385',
    });
    expect(
      resultado(await h.call('POST', '/boletos', { body: boleto({ seuNumero: 'FX-1', nossoNumero: nn }) })).nossoNumero,
    ).toBe(nn);
    const wrong = await h.call('POST', '/boletos', {
      body: boleto({ seuNumero: 'FX-2', nossoNumero: Math.floor(nn / 10) * 10 + (((nn % 10) + 1) % 10) }),
    });
    expect(wrong.status).toBe(400);
    expect((await h.call('POST', '/boletos', { body: boleto({ seuNumero: 'FX-3', nossoNumero: nn }) })).status).toBe(
      400,
    );
  });

  it('PATCH /boletos/{nn} › prorrogacaoVencimento › 204, new due date and barcode; two objects at once › 400; a wrong type › 406', async () => {
    const b = resultado(await h.call('POST', '/boletos', { body: boleto({ seuNumero: 'ALT-1' }) }));
    const path = `/boletos/${String(b.nossoNumero)}`;
    const newDue = addDays(TODAY, 20);
    expect(
      await h.call('PATCH', path, {
        body: { numeroCliente: 229385, codigoModalidade: 1, prorrogacaoVencimento: { dataVencimento: newDue } },
      }),
    ).toEqual({ status: 204, body: undefined });
    const after = await consulta(h, b.nossoNumero);
    expect(after.dataVencimento).toBe(newDue);
    expect(decodeBoleto(String(after.codigoBarras), { today: TODAY }).dueDate).toBe(newDue);
    const two = await h.call('PATCH', path, {
      body: { numeroCliente: 229385, codigoModalidade: 1, abatimento: { valorAbatimento: 1 }, multa: { tipoMulta: 0 } },
    });
    expect(two.status).toBe(400);
    expect(mensagens(two)[0]).toContain('somente um objeto');
    expect(
      (
        await h.call('PATCH', path, {
          body: { numeroCliente: 229385, codigoModalidade: 1, abatimento: { valorAbatimento: 'um' } },
          invalid: true,
        })
      ).status,
    ).toBe(406);
    expect(
      await h.call('PATCH', path, { body: { numeroCliente: 229385, codigoModalidade: 1, pix: { utilizarPix: true } } }),
    ).toMatchObject({ status: 204 });
  });

  it('POST /boletos/{nn}/baixar › 204 and `Baixado`; again › 400 MensagensErro', async () => {
    const b = resultado(await h.call('POST', '/boletos', { body: boleto({ seuNumero: 'BX-1' }) }));
    const path = `/boletos/${String(b.nossoNumero)}/baixar`;
    expect((await h.call('POST', path, { body: { numeroCliente: 229385, codigoModalidade: 1 } })).status).toBe(204);
    expect((await consulta(h, b.nossoNumero)).situacaoBoleto).toBe('Baixado');
    expect((await h.call('POST', path, { body: { numeroCliente: 229385, codigoModalidade: 1 } })).status).toBe(400);
  });

  it('POST /boletos › a body without required fields › 406 naming them; another numeroCliente › 400', async () => {
    const { pagador: _p, ...noPayer } = boleto();
    const r = await h.call('POST', '/boletos', { body: noPayer, invalid: true });
    expect(r.status).toBe(406);
    expect(mensagens(r).join()).toContain('pagador');
    expect((await h.call('POST', '/boletos', { body: boleto({ numeroCliente: 1 }) })).status).toBe(400);
  });
});

describe('Sicoob simulator › cents scenarios', () => {
  let h: Harness;
  beforeAll(async () => void (h = await harness()));
  afterAll(() => h.close());

  it('the table › one row per behaviour, rendered for the docs', () => {
    expect(SICOOB_SCENARIOS.markdown()).toContain('| ,06 | `LOST_RESPONSE` |');
  });

  it(',04 REJECTED › 400 MensagensErro, nothing created', async () => {
    const r = await h.call('POST', '/boletos', { body: boleto({ seuNumero: 'REJ', valor: 10.04 }) });
    expect(r.status).toBe(400);
    expect(
      (await h.call('GET', `/pagadores/${PAYER_CPF}/boletos`, { query: { numeroCliente: '229385' } })).status,
    ).toBe(204);
  });

  it(',06 LOST_RESPONSE › the connection closes without an answer; the boleto exists', async () => {
    await expect(h.call('POST', '/boletos', { body: boleto({ seuNumero: 'LOST', valor: 10.06 }) })).rejects.toThrow();
    const list = await h.call('GET', `/pagadores/${PAYER_CPF}/boletos`, { query: { numeroCliente: '229385' } });
    expect((list.body as { resultado: { seuNumero: string }[] }).resultado.map((b) => b.seuNumero)).toContain('LOST');
  });

  it(',02 PAID_NOT_SETTLED and ,07 PIX_PAID › the first stays `Em Aberto` past the settlement day; the bolecode paid by Pix is `Liquidado` an hour after registration', async () => {
    const today = h.sim.clock.today();
    const q = (nn: unknown) => ({ numeroCliente: '229385', codigoModalidade: '1', nossoNumero: String(nn) });
    const notSettled = resultado(
      await h.call('POST', '/boletos', {
        body: boleto({ seuNumero: 'NS-1', valor: 40.02, dataVencimento: addDays(today, 1) }),
      }),
    );
    const pix = resultado(
      await h.call('POST', '/boletos', {
        body: boleto({ seuNumero: 'PX-7', valor: 40.07, codigoCadastrarPIX: 1, dataVencimento: addDays(today, 10) }),
      }),
    );
    await h.admin('/clock/advance', { minutes: 61, stepMinutes: 30 });
    expect(resultado(await h.call('GET', '/boletos', { query: q(pix.nossoNumero) })).situacaoBoleto).toBe('Liquidado');
    await h.admin('/clock/advance', { days: 5, stepMinutes: 360 });
    expect(resultado(await h.call('GET', '/boletos', { query: q(notSettled.nossoNumero) })).situacaoBoleto).toBe(
      'Em Aberto',
    );
    const boletos = await h.admin<{ items: { nossoNumero: number; payment?: { channel: string } }[] }>('/boletos');
    expect(boletos.items.find((b) => b.nossoNumero === notSettled.nossoNumero)?.payment).toBeDefined();
    expect(boletos.items.find((b) => b.nossoNumero === pix.nossoNumero)?.payment?.channel).toBe('pix');
  });

  it(',03 NEVER_PAID › `Baixado` the day after dataLimitePagamento; the BAIX record says "Por Decurso de Prazo" (idTipoOpFinanceira 11)', async () => {
    const today = h.sim.clock.today();
    const due = addDays(today, 1);
    const b = resultado(
      await h.call('POST', '/boletos', {
        body: boleto({ seuNumero: 'NP-3', valor: 50.03, dataVencimento: due, dataLimitePagamento: addDays(due, 2) }),
      }),
    );
    const writeOffDay = addDays(due, 3);
    await h.admin('/clock', { now: `${writeOffDay}T06:00:00-03:00` });
    expect((await consulta(h, b.nossoNumero)).situacaoBoleto).toBe('Baixado');
    const asked = resultado(
      await h.call('POST', '/boletos/movimentacoes', {
        body: { numeroCliente: 229385, tipoMovimento: 6, dataInicial: writeOffDay, dataFinal: writeOffDay },
      }),
    );
    await h.admin('/clock/advance', { seconds: 61 });
    const codigoSolicitacao = String(asked.codigoSolicitacao);
    const ready = resultado(
      await h.call('GET', '/boletos/movimentacoes', { query: { numeroCliente: '229385', codigoSolicitacao } }),
    );
    const file = resultado(
      await h.call('GET', '/boletos/movimentacoes/download', {
        query: { numeroCliente: '229385', codigoSolicitacao, idArquivo: String((ready.idArquivos as number[])[0]) },
      }),
    );
    const records = JSON.parse(
      strFromU8(Object.values(unzipSync(Buffer.from(String(file.arquivo), 'base64')))[0]!),
    ) as Record<string, unknown>[];
    expect(records).toEqual([
      expect.objectContaining({
        siglaMovimento: 'BAIX',
        numeroTitulo: b.nossoNumero,
        idTipoOpFinanceira: 11,
        tipoOpFinanceira: '01 - Por Decurso de Prazo',
      }),
    ]);
  });

  it(',08 UNAVAILABLE_FIRST_N › 500 MensagensErro twice, then 200', async () => {
    const body = boleto({ seuNumero: 'UNAV', valor: 10.08, dataVencimento: addDays(h.sim.clock.today(), 5) });
    expect((await h.call('POST', '/boletos', { body })).status).toBe(500);
    expect((await h.call('POST', '/boletos', { body })).status).toBe(500);
    expect((await h.call('POST', '/boletos', { body })).status).toBe(200);
  });
});

describe('Sicoob simulator › webhooks, notifications, delivery log and movement files', () => {
  let h: Harness;
  let rcv: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    h = await harness({ config: { webhookPolicy: { backoffMs: [60_000], maxAttempts: 2, timeoutMs: 2_000 } } });
    rcv = await receiver();
  });
  afterAll(async () => {
    await h.close();
    await rcv.close();
  });

  it('POST /webhooks › 201 {idWebhook}; `1 - Aguardando validação` until the validation request is answered 2xx, then `2 - Validado com sucesso`', async () => {
    const created = await h.call('POST', '/webhooks', {
      body: { url: rcv.url, codigoTipoMovimento: 7, codigoPeriodoMovimento: 1, email: 'ti@empresa.example' },
    });
    expect(created).toMatchObject({ status: 201, body: { resultado: { idWebhook: 1 } } });
    expect((await h.call('GET', '/webhooks', { query: { idWebhook: '1' } })).body).toMatchObject({
      resultado: [
        {
          codigoSituacao: 1,
          descricaoSituacao: 'Aguardando validação',
          descricaoTipoMovimento: 'Pagamento (Baixa operacional)',
        },
      ],
    });
    await h.admin('/tick', {});
    expect(rcv.received[0]?.body).toMatchObject({ validacaoWebhook: true });
    expect((await h.call('GET', '/webhooks')).body).toMatchObject({
      resultado: [{ idWebhook: 1, codigoSituacao: 2, descricaoSituacao: 'Validado com sucesso' }],
    });
    expect(
      (await h.call('POST', '/webhooks', { body: { url: rcv.url, codigoTipoMovimento: 7, codigoPeriodoMovimento: 1 } }))
        .status,
    ).toBe(400);
  });

  it(',01 PAID_AND_SETTLED › notified at 10:00 on the due date (delivery log: sent, HTTP 200), `Liquidado` the next business day, a LIQUI record in the movement file', async () => {
    const due = addDays(TODAY, 1);
    const b = resultado(
      await h.call('POST', '/boletos', { body: boleto({ seuNumero: 'PAY-1', valor: 200.01, dataVencimento: due }) }),
    );
    const before = rcv.received.length;
    await h.admin('/clock', { now: `${due}T11:00:00-03:00` });
    const note = rcv.received.slice(before);
    expect(note).toHaveLength(1);
    expect(note[0]?.body).toMatchObject({
      codigoTipoMovimento: 7,
      nossoNumero: b.nossoNumero,
      codigoBarras: b.codigoBarras,
      valorPagamento: 200.01,
    });

    const log = await h.call('GET', '/webhooks/1/solicitacoes', {
      query: { dataSolicitacao: due, nossoNumero: String(b.nossoNumero) },
    });
    expect(resultado(log)).toMatchObject({
      totalRegistros: 1,
      webhookSolicitacoes: [
        {
          codigoSolicitacaoSituacao: 3,
          descricaoSolicitacaoSituacao: 'Enviado com sucesso',
          validacaoWebhook: false,
          nossoNumero: b.nossoNumero,
          webhookNotificacoes: [{ codigoStatusRequisicao: 200 }],
        },
      ],
    });
    expect((await consulta(h, b.nossoNumero)).situacaoBoleto).toBe('Em Aberto');

    const settleDay = nextBusinessDay(due);
    await h.admin('/clock', { now: `${settleDay}T06:00:00-03:00` });
    expect((await consulta(h, b.nossoNumero)).situacaoBoleto).toBe('Liquidado');

    // Movement files: request → (processing: 204) → ready → download a ZIP of one JSON array.
    const asked = await h.call('POST', '/boletos/movimentacoes', {
      body: { numeroCliente: 229385, tipoMovimento: 5, dataInicial: due, dataFinal: settleDay },
    });
    const codigoSolicitacao = String(resultado(asked).codigoSolicitacao);
    expect(
      (await h.call('GET', '/boletos/movimentacoes', { query: { numeroCliente: '229385', codigoSolicitacao } })).status,
    ).toBe(204);
    await h.admin('/clock/advance', { seconds: 61 });
    const ready = resultado(
      await h.call('GET', '/boletos/movimentacoes', { query: { numeroCliente: '229385', codigoSolicitacao } }),
    );
    expect(ready).toMatchObject({ quantidadeTotalRegistros: 1, quantidadeArquivo: 1 });
    const idArquivo = String((ready.idArquivos as number[])[0]);
    const file = resultado(
      await h.call('GET', '/boletos/movimentacoes/download', {
        query: { numeroCliente: '229385', codigoSolicitacao, idArquivo },
      }),
    );
    expect(String(file.nomeArquivo)).toMatch(/^LIQUI_4327_229385_\d{14}_\d+_0\.zip$/);
    const entries = unzipSync(Buffer.from(String(file.arquivo), 'base64'));
    const records = JSON.parse(strFromU8(Object.values(entries)[0]!)) as Record<string, unknown>[];
    expect(records).toEqual([
      expect.objectContaining({
        codigoTipoMovimento: 5,
        siglaMovimento: 'LIQUI',
        numeroCliente: 229385,
        numeroTitulo: b.nossoNumero,
        valorTitulo: 200.01,
        valorLiquido: 200.01,
        idTipoOpFinanceira: 58,
        codigoBarras: b.codigoBarras,
      }),
    ]);
  });

  it('movimentações › a window longer than 2 days or a future end › 400', async () => {
    const today = h.sim.clock.today();
    expect(
      (
        await h.call('POST', '/boletos/movimentacoes', {
          body: { numeroCliente: 229385, tipoMovimento: 1, dataInicial: addDays(today, -3), dataFinal: today },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await h.call('POST', '/boletos/movimentacoes', {
          body: { numeroCliente: 229385, tipoMovimento: 1, dataInicial: today, dataFinal: addDays(today, 1) },
        })
      ).status,
    ).toBe(400);
  });

  it('delivery failures › the notification is given up: `6 - Erro no envio`, the webhook `3 - Inativo`; PATCH …/reativar › 204, validated again', async () => {
    const today = h.sim.clock.today();
    const b = resultado(
      await h.call('POST', '/boletos', {
        body: boleto({ seuNumero: 'FAIL-1', valor: 30, dataVencimento: addDays(today, 5) }),
      }),
    );
    rcv.status.code = 500;
    await h.admin(`/boletos/${String(b.nossoNumero)}/pay`, {});
    await h.admin('/clock/advance', { minutes: 2, stepMinutes: 1 });
    await h.admin('/tick', {});
    const hook = (await h.call('GET', '/webhooks', { query: { idWebhook: '1' } })).body as {
      resultado: Record<string, unknown>[];
    };
    expect(hook.resultado[0]).toMatchObject({
      codigoSituacao: 3,
      descricaoSituacao: 'Inativo',
      descricaoMotivoInativacao: 'Erro ao enviar notificação',
    });
    const failed = await h.call('GET', '/webhooks/1/solicitacoes', {
      query: { dataSolicitacao: h.sim.clock.today(), codigoSolicitacaoSituacao: '6' },
    });
    expect(resultado(failed)).toMatchObject({
      totalRegistros: 1,
      webhookSolicitacoes: [
        { descricaoSolicitacaoSituacao: 'Erro no envio', webhookNotificacoes: [{ codigoStatusRequisicao: 500 }] },
      ],
    });

    rcv.status.code = 200;
    expect((await h.call('PATCH', '/webhooks/1/reativar')).status).toBe(204);
    await h.admin('/tick', {});
    expect(
      ((await h.call('GET', '/webhooks')).body as { resultado: { codigoSituacao: number }[] }).resultado[0]
        ?.codigoSituacao,
    ).toBe(2);
  });

  it('PATCH /webhooks/{id} (new URL) › 204 and back to validation; DELETE › 204, then GET /webhooks › 204', async () => {
    expect((await h.call('PATCH', '/webhooks/1', { body: { url: `${rcv.url}/v2` } })).status).toBe(204);
    expect(
      ((await h.call('GET', '/webhooks')).body as { resultado: { codigoSituacao: number; url: string }[] })
        .resultado[0],
    ).toMatchObject({ codigoSituacao: 1, url: `${rcv.url}/v2` });
    expect((await h.call('DELETE', '/webhooks/1')).status).toBe(204);
    expect((await h.call('GET', '/webhooks')).status).toBe(204);
    expect((await h.call('DELETE', '/webhooks/1')).status).toBe(400);
  });

  it('another app (POST /__sim/apps) › its own type-7 webhook beside the default app’s; each sees and changes its own only; its boletos notify its webhook', async () => {
    const app = await h.admin<App & { notAfter: string }>('/apps', {});
    expect(app.clientId).toMatch(/^[0-9a-f-]{36}$/);
    const other = appClient(h.sim, app);
    const mine = await h.call('POST', '/webhooks', {
      body: { url: `${rcv.url}/default`, codigoTipoMovimento: 7, codigoPeriodoMovimento: 1 },
    });
    const theirs = await other.call('POST', '/webhooks', {
      body: { url: `${rcv.url}/other`, codigoTipoMovimento: 7, codigoPeriodoMovimento: 1 },
    });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    const idOther = (resultado(theirs) as { idWebhook: number }).idWebhook;
    const listed = (await other.call('GET', '/webhooks')).body as { resultado: { idWebhook: number; url: string }[] };
    expect(listed.resultado).toEqual([expect.objectContaining({ idWebhook: idOther, url: `${rcv.url}/other` })]);
    // The default app cannot see or delete the other app's webhook.
    expect((await h.call('GET', '/webhooks', { query: { idWebhook: String(idOther) } })).status).toBe(204);
    expect((await h.call('DELETE', `/webhooks/${idOther}`)).status).toBe(400);
    await h.admin('/tick', {});
    const before = rcv.received.length;
    const b = resultado(await other.call('POST', '/boletos', { body: boleto({ seuNumero: 'APP-2' }) }));
    await h.admin(`/boletos/${String(b.nossoNumero)}/pay`, {});
    const notified = rcv.received.slice(before).filter((r) => r.body.nossoNumero === b.nossoNumero);
    expect(notified.map((r) => r.path)).toEqual(['/sicoob/other']);
    expect(rcv.received.slice(before).every((r) => !('validacaoWebhook' in r.body))).toBe(true);
    await other.agent.close();
  });
});

describe('Sicoob simulator › restart', () => {
  it('stateFile › boletos, webhooks and the nosso-número sequence survive a restart (same PKI folder)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sicoob-sim-'));
    try {
      const opts = { pkiDir: join(dir, 'pki'), stateFile: join(dir, 'state.json') };
      const first = await harness(opts);
      const b = resultado(await first.call('POST', '/boletos', { body: boleto({ seuNumero: 'RST-1' }) }));
      expect(
        (
          await first.call('POST', '/webhooks', {
            body: { url: 'http://127.0.0.1:9/x', codigoTipoMovimento: 7, codigoPeriodoMovimento: 1 },
          })
        ).status,
      ).toBe(201);
      await first.close();
      const second = await harness(opts);
      try {
        expect(
          resultado(
            await second.call('GET', '/boletos', {
              query: { numeroCliente: '229385', codigoModalidade: '1', nossoNumero: String(b.nossoNumero) },
            }),
          ).seuNumero,
        ).toBe('RST-1');
        expect(((await second.call('GET', '/webhooks')).body as { resultado: unknown[] }).resultado).toHaveLength(1);
        const next = resultado(await second.call('POST', '/boletos', { body: boleto({ seuNumero: 'RST-2' }) }));
        expect(next.nossoNumero).not.toBe(b.nossoNumero);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
