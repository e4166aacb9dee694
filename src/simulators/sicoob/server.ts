/**
 * The Sicoob simulator: two real HTTPS listeners with the simulator's test CA (the PKI helpers are Itaú's).
 *
 * - `url` (mutual TLS: a client certificate from the test CA is required, or the handshake fails): the token endpoint
 *   of auth.openapi.yaml (`POST /auth/realms/cooperado/protocol/openid-connect/token`, client_credentials, the
 *   certificate's CN must be the client_id) and Cobrança Bancária v3 under `/cobranca-bancaria/v3` (every path of
 *   cobranca-v3.openapi.yaml).
 * - `publicUrl` (TLS only): the `/__sim` admin API and `GET /__sim/ca.pem`.
 *
 * Start it with createSicoobSimulator({ port: 0, publicPort: 0 }) in tests or `npm run sim:sicoob`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import express, { type NextFunction, type Request, type Response } from 'express';
import { strToU8, zipSync } from 'fflate';
import { isIsoDate } from '../../domain';
import { sharedAdminRouter, route, type SimulatorCore, startMtlsServers } from '../shared/admin';
import { SimClock } from '../shared/clock';
import { singleFlightTick } from '../shared/jobs';
import { JsonPersistence } from '../shared/store';
import { type Delivery, WebhookQueue, type WebhookTarget } from '../shared/webhooks';
import { ensurePkiDir, issueClientCertificate, memoryPki, type Pki, rsaKeyPair, type SimApp } from '../itau/tls';
import {
  alteracaoSchema,
  apontamentoSchema,
  baixaSchema,
  boletoSchema,
  brtSeconds,
  movimentacaoSchema,
  pagadorSchema,
  parseBody,
  SicoobBank,
  SicoobError,
  TIPOS_MOVIMENTO,
  webhookAlteracaoSchema,
  webhookCadastroSchema,
} from './bank';
import {
  SICOOB_SIM_CA_NAME,
  SICOOB_SIM_DEFAULT_CLIENT_ID,
  SICOOB_SIM_PATHS,
  type SicoobScope,
  sicoobSimConfig,
  type SicoobSimConfig,
} from './config';
import { SICOOB_SCENARIOS } from './scenarios';
import { consultaView, payerListView, registeredView, segundaViaView, solicitacoesView, webhookView } from './views';

/** The scopes the simulated realm grants [3P: the set public clients request]; `openid` is accepted and ignored. */
export const SICOOB_SCOPES: readonly SicoobScope[] = [
  'boletos_inclusao',
  'boletos_consulta',
  'boletos_alteracao',
  'webhooks_inclusao',
  'webhooks_consulta',
  'webhooks_alteracao',
];

export interface SicoobSimulatorOptions {
  port?: number;
  publicPort?: number;
  host?: string;
  config?: Partial<SicoobSimConfig>;
  clock?: SimClock;
  autoTickMs?: number;
  /** Keep the test CA and default-app certificate here (npm run sim:sicoob: DATA_DIR/simulators/sicoob/pki); else in memory. */
  pkiDir?: string;
  stateFile?: string;
  /** Tests: every Cobrança v3 exchange once answered (a dropped connection is not one), to check it against the OpenAPI. */
  observe?: (exchange: SicoobExchange) => void;
}

/** One API exchange as `observe` sees it (`path` relative to `/cobranca-bancaria/v3`). */
export interface SicoobExchange {
  method: string;
  path: string;
  query: Record<string, string>;
  requestBody: unknown;
  status: number;
  contentType?: string;
  body: unknown;
}

export interface SicoobSimulator extends SimulatorCore {
  /** mTLS listener (token + API). */
  url: string;
  /** `${url}/cobranca-bancaria/v3`. */
  apiUrl: string;
  tokenUrl: string;
  /** TLS-only listener (/__sim). */
  publicUrl: string;
  config: SicoobSimConfig;
  bank: SicoobBank;
  pki: Pki;
  defaultApp: SimApp;
  /** Access tokens issued (tests). */
  tokensIssued(): number;
  close(): Promise<void>;
}

interface Snapshot {
  clock: { offsetMs: number; frozenAt?: number };
  bank: ReturnType<SicoobBank['snapshot']>;
  webhooks: Delivery[];
  webhookTarget?: WebhookTarget;
}

/** The gateway's own refusals (401/403) [U: the document lists none; IBM API Connect's shape, as `x-ibm-name` suggests]. */
const gatewayError = (res: Response, status: 401 | 403, moreInformation: string) =>
  void res
    .status(status)
    .json({ httpCode: String(status), httpMessage: status === 401 ? 'Unauthorized' : 'Forbidden', moreInformation });

const sicoobError = (res: Response, e: SicoobError) => void res.status(e.status).json(e.body());

/** Query parameter as an integer (406 naming it when malformed or, if required, absent). */
function intParam(req: Request, name: string, required: true): number;
function intParam(req: Request, name: string, required?: false): number | undefined;
function intParam(req: Request, name: string, required = false): number | undefined {
  const v = req.query[name];
  if (v === undefined || v === '') {
    if (required)
      throw new SicoobError(406, [{ codigo: '406', mensagem: `${name}: parâmetro obrigatório não informado` }]);
    return undefined;
  }
  if (typeof v !== 'string' || !/^-?\d{1,18}$/.test(v))
    throw new SicoobError(406, [{ codigo: '406', mensagem: `${name}: deve ser um número inteiro` }]);
  return Number(v);
}

function dateParam(req: Request, name: string, required = false): string | undefined {
  const v = req.query[name];
  if (v === undefined || v === '') {
    if (required)
      throw new SicoobError(406, [{ codigo: '406', mensagem: `${name}: parâmetro obrigatório não informado` }]);
    return undefined;
  }
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || !isIsoDate(v))
    throw new SicoobError(406, [{ codigo: '406', mensagem: `${name}: data no formato yyyy-MM-dd` }]);
  return v;
}

function pathInt(req: Request, name: string): number {
  const v = req.params[name];
  if (typeof v !== 'string' || !/^\d{1,18}$/.test(v))
    throw new SicoobError(406, [{ codigo: '406', mensagem: `${name}: deve ser um número inteiro` }]);
  return Number(v);
}

function peerCommonName(req: Request): string | undefined {
  const sock = req.socket as TLSSocket;
  if (typeof sock.getPeerCertificate !== 'function') return undefined;
  const cn = sock.getPeerCertificate()?.subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}

/** An API handler: SicoobError → MensagensErro; anything else → 500 MensagensErro. */
const api =
  (fn: (req: Request, res: Response) => unknown) =>
  (req: Request, res: Response): void => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch((e: unknown) => {
        if (res.headersSent) return;
        if (e instanceof SicoobError) sicoobError(res, e);
        else res.status(500).json({ mensagens: [{ codigo: '5000', mensagem: 'Erro interno.' }] });
      });
  };

/** An API handler answered 204 with no content (alterations, baixa, apontamentos, webhook changes). */
const noContent = (fn: (req: Request, res: Response) => void) =>
  api((req, res) => {
    fn(req, res);
    res.status(204).end();
  });

export async function createSicoobSimulator(opts: SicoobSimulatorOptions = {}): Promise<SicoobSimulator> {
  const config = sicoobSimConfig(opts.config);
  const clock = opts.clock ?? new SimClock();
  let webhookTarget: WebhookTarget | undefined;
  let persistence: JsonPersistence<Snapshot> | undefined;
  const changed = () => persistence?.schedule();
  const webhooks = new WebhookQueue(clock, () => webhookTarget, config.webhookPolicy, changed);
  const bank = new SicoobBank(config, clock, webhooks, changed);

  let pki: Pki;
  let defaultApp: SimApp;
  if (opts.pkiDir) {
    const d = ensurePkiDir(opts.pkiDir, SICOOB_SIM_DEFAULT_CLIENT_ID, 3650, SICOOB_SIM_CA_NAME);
    pki = d.pki;
    defaultApp = d.app;
  } else {
    const m = memoryPki(SICOOB_SIM_DEFAULT_CLIENT_ID, clock.now(), 365, SICOOB_SIM_CA_NAME);
    pki = m.pki;
    defaultApp = m.app;
  }

  if (opts.stateFile) {
    persistence = new JsonPersistence<Snapshot>(opts.stateFile, () => ({
      clock: clock.snapshot(),
      bank: bank.snapshot(),
      webhooks: webhooks.snapshot(),
      ...(webhookTarget ? { webhookTarget } : {}),
    }));
    const saved = persistence.load();
    if (saved) {
      if (!opts.clock) clock.restore(saved.clock);
      bank.restore(saved.bank);
      webhooks.restore(saved.webhooks);
      webhookTarget = saved.webhookTarget;
    }
  }

  const { tick, idle } = singleFlightTick(() => bank.runJobs(), webhooks, clock);
  const tokens = new Map<string, { clientId: string; scopes: Set<string>; expiresAt: number }>();
  let issued = 0;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false }));
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err)
      return void res
        .status(406)
        .json({ mensagens: [{ codigo: '406', mensagem: 'Corpo da requisição inválido (JSON malformado).' }] });
    next();
  });

  // auth.openapi.yaml: client_credentials over mTLS; the client is authenticated by its certificate (no secret).
  app.post(SICOOB_SIM_PATHS.token, (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (b.grant_type !== 'client_credentials')
      return void res
        .status(400)
        .json({ error: 'unsupported_grant_type', error_description: 'Unsupported grant_type' });
    if (typeof b.client_id !== 'string' || b.client_id === '')
      return void res.status(400).json({ error: 'invalid_request', error_description: 'Missing parameter: client_id' });
    if (b.client_id !== peerCommonName(req))
      return void res
        .status(401)
        .json({ error: 'invalid_client', error_description: 'Client certificate does not match client_id' });
    const asked = typeof b.scope === 'string' ? b.scope.split(/\s+/).filter(Boolean) : [];
    const unknown = asked.filter((s) => s !== 'openid' && !(SICOOB_SCOPES as readonly string[]).includes(s));
    if (unknown.length)
      return void res
        .status(400)
        .json({ error: 'invalid_scope', error_description: `Invalid scopes: ${unknown.join(' ')}` });
    const token = randomBytes(24).toString('hex');
    tokens.set(token, {
      clientId: b.client_id,
      scopes: new Set(asked),
      expiresAt: clock.now() + config.accessTokenTtlSeconds * 1000,
    });
    issued++;
    res.json({
      access_token: token,
      expires_in: config.accessTokenTtlSeconds,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope: asked.join(' '),
    });
  });

  const v3 = express.Router();
  const observe = opts.observe;
  if (observe)
    v3.use((req, res, next) => {
      let body: unknown;
      const json = res.json.bind(res);
      res.json = (b: unknown) => ((body = b), json(b));
      const requestBody: unknown = req.body;
      res.on('finish', () => {
        const contentType = res.getHeader('content-type');
        observe({
          method: req.method,
          path: req.path,
          query: Object.fromEntries(
            Object.entries(req.query).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
          ),
          requestBody,
          status: res.statusCode,
          ...(contentType !== undefined ? { contentType: String(contentType) } : {}),
          body,
        });
      });
      next();
    });
  const need =
    (scope: SicoobScope | undefined) =>
    (req: Request, res: Response, next: NextFunction): void => {
      const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      const t = m ? tokens.get(m[1]!) : undefined;
      if (!t || t.expiresAt <= clock.now()) return gatewayError(res, 401, 'Token de acesso inválido ou expirado.');
      if (t.clientId !== peerCommonName(req)) return gatewayError(res, 401, 'Token emitido para outro certificado.');
      if (config.requireClientIdHeader && req.get('client_id') !== t.clientId)
        return gatewayError(res, 401, 'Header client_id ausente ou diferente do token.');
      if (config.enforceScopes && scope && !t.scopes.has(scope))
        return gatewayError(res, 403, `Escopo ${scope} não autorizado para o token.`);
      res.locals.clientId = t.clientId;
      next();
    };

  /** The authenticated app (set by `need`): webhooks and boletos belong to the app that made them. */
  const appOf = (res: Response): string => res.locals.clientId as string;
  const found = (res: Response, body: unknown) =>
    body === undefined ? void res.status(204).end() : void res.json({ resultado: body });
  const lookup = (req: Request) => {
    const numeroCliente = intParam(req, 'numeroCliente', true);
    const codigoModalidade = intParam(req, 'codigoModalidade', true);
    bank.checkContract(numeroCliente, codigoModalidade);
    const q = {
      nossoNumero: intParam(req, 'nossoNumero'),
      linhaDigitavel: typeof req.query.linhaDigitavel === 'string' ? req.query.linhaDigitavel : undefined,
      codigoBarras: typeof req.query.codigoBarras === 'string' ? req.query.codigoBarras : undefined,
    };
    if (q.nossoNumero === undefined && !q.linhaDigitavel && !q.codigoBarras)
      throw new SicoobError(400, [
        { codigo: '4200', mensagem: 'Informe o nosso número, a linha digitável ou o código de barras.' },
      ]);
    const b = bank.find(q);
    if (!b && config.unknownBoleto === 400)
      throw new SicoobError(400, [{ codigo: '4201', mensagem: 'Boleto não encontrado.' }]);
    return b;
  };

  v3.get(
    '/health',
    need(undefined),
    (_req, res) => void res.json({ status: 'UP', RestHealthCheck: { name: 'api-rest', status: 'UP' } }),
  );

  v3.post(
    '/boletos',
    need('boletos_inclusao'),
    api(async (req, res) => {
      const { boleto, lost } = bank.register(parseBody(boletoSchema, req.body), appOf(res));
      if (lost) return void req.socket.destroy();
      res.json({ resultado: await registeredView(boleto, config) });
    }),
  );
  v3.get(
    '/boletos',
    need('boletos_consulta'),
    api((req, res) => {
      const b = lookup(req);
      found(res, b && consultaView(b, config));
    }),
  );
  v3.get(
    '/boletos/segunda-via',
    need('boletos_consulta'),
    api(async (req, res) => {
      const b = lookup(req);
      found(res, b && (await segundaViaView(b, config, req.query.gerarPdf === 'true')));
    }),
  );
  v3.get(
    '/boletos/faixas-nosso-numero',
    need('boletos_consulta'),
    api((req, res) => {
      bank.checkContract(intParam(req, 'numeroCliente', true), intParam(req, 'codigoModalidade', true));
      const quantidade = intParam(req, 'quantidade', true);
      const { faixa, beneficiary } = config;
      const used = new Set(
        bank.boletos
          .values()
          .map((b) => (faixa.validaDigitoVerificadorNossoNumero ? Math.floor(b.nossoNumero / 10) : b.nossoNumero)),
      );
      // The free runs of the range holding at least `quantidade` numbers.
      const runs: { numeroInicial: number; numeroFinal: number }[] = [];
      let start: number | undefined;
      const maxRuns = 10;
      for (let n = faixa.numeroInicial; n <= faixa.numeroFinal + 1 && runs.length < maxRuns; n++) {
        const free = n <= faixa.numeroFinal && !used.has(n);
        if (free && start === undefined) start = n;
        if (!free && start !== undefined) {
          if (n - start >= quantidade) runs.push({ numeroInicial: start, numeroFinal: n - 1 });
          start = undefined;
        }
        if (start !== undefined && n - start >= quantidade && used.size === 0) {
          runs.push({ numeroInicial: start, numeroFinal: faixa.numeroFinal });
          break;
        }
      }
      if (runs.length === 0) return void res.status(204).end();
      res.json({
        resultado: runs.map((r) => ({
          numeroCliente: beneficiary.numeroCliente,
          nomeCliente: beneficiary.nome,
          numeroInicial: r.numeroInicial,
          numeroFinal: r.numeroFinal,
          quantidade: r.numeroFinal - r.numeroInicial + 1,
          validaDigitoVerificadorNossoNumero: faixa.validaDigitoVerificadorNossoNumero,
        })),
      });
    }),
  );

  v3.post(
    '/boletos/movimentacoes',
    need('boletos_consulta'),
    api((req, res) => {
      const r = bank.requestMovements(parseBody(movimentacaoSchema, req.body));
      res.json({
        resultado: {
          mensagem:
            "Solicitação recebida com sucesso. Utilize o 'Código da Solicitação' para verificar se já foi processada.",
          codigoSolicitacao: r.codigoSolicitacao,
        },
      });
    }),
  );
  const filesOf = (r: { codigoSolicitacao: number; records?: unknown[] }) => {
    const per = config.movementRecordsPerFile;
    const n = r.records && r.records.length ? Math.ceil(r.records.length / per) : 0;
    return Array.from({ length: n }, (_, i) => ({
      idArquivo: r.codigoSolicitacao * 1000 + i + 1,
      records: r.records!.slice(i * per, (i + 1) * per),
    }));
  };
  v3.get(
    '/boletos/movimentacoes',
    need('boletos_consulta'),
    api((req, res) => {
      const r = bank.movementRequest(intParam(req, 'numeroCliente', true), intParam(req, 'codigoSolicitacao', true));
      if (!r.records) {
        if (config.movementPendingStatus === 204) return void res.status(204).end();
        throw new SicoobError(400, [
          { codigo: '4706', mensagem: 'Solicitação em processamento. Tente novamente em instantes.' },
        ]);
      }
      const files = filesOf(r);
      res.json({
        resultado: {
          quantidadeTotalRegistros: r.records.length,
          quantidadeRegistrosArquivo: config.movementRecordsPerFile,
          quantidadeArquivo: files.length,
          idArquivos: files.map((f) => f.idArquivo),
        },
      });
    }),
  );
  v3.get(
    '/boletos/movimentacoes/download',
    need('boletos_consulta'),
    api((req, res) => {
      const r = bank.movementRequest(intParam(req, 'numeroCliente', true), intParam(req, 'codigoSolicitacao', true));
      const idArquivo = intParam(req, 'idArquivo', true);
      const file = r.records ? filesOf(r).find((f) => f.idArquivo === idArquivo) : undefined;
      if (!file)
        throw new SicoobError(400, [
          {
            codigo: '4707',
            mensagem: `Arquivo ${idArquivo} não encontrado para a solicitação ${r.codigoSolicitacao}.`,
          },
        ]);
      const stamp = brtSeconds(r.requestedAt).replace(/\D/g, '').slice(0, 14);
      const name = `${TIPOS_MOVIMENTO[r.tipoMovimento]!.sigla}_${config.beneficiary.cooperativa}_${config.beneficiary.numeroCliente}_${stamp}_${r.codigoSolicitacao}_${(idArquivo % 1000) - 1}`;
      const zip = zipSync({ [`${name}.json`]: strToU8(JSON.stringify(file.records)) });
      res.json({ resultado: { arquivo: Buffer.from(zip).toString('base64'), nomeArquivo: `${name}.zip` } });
    }),
  );

  v3.patch(
    '/boletos/:nossoNumero',
    need('boletos_alteracao'),
    noContent((req) => {
      bank.alter(pathInt(req, 'nossoNumero'), parseBody(alteracaoSchema, req.body));
    }),
  );
  v3.post(
    '/boletos/:nossoNumero/baixar',
    need('boletos_alteracao'),
    noContent((req) => {
      bank.baixar(pathInt(req, 'nossoNumero'), parseBody(baixaSchema, req.body));
    }),
  );
  for (const what of ['negativacoes', 'protestos'] as const) {
    for (const method of ['post', 'patch', 'delete'] as const) {
      v3[method](
        `/boletos/:nossoNumero/${what}`,
        need('boletos_alteracao'),
        noContent((req) => {
          bank.apontar(
            pathInt(req, 'nossoNumero'),
            parseBody(apontamentoSchema, req.body),
            `${method.toUpperCase()} ${what}`,
          );
        }),
      );
    }
  }
  v3.get(
    '/pagadores/:numeroCpfCnpj/boletos',
    need('boletos_consulta'),
    api((req, res) => {
      const numeroCliente = intParam(req, 'numeroCliente', true);
      if (numeroCliente !== config.beneficiary.numeroCliente)
        throw new SicoobError(400, [
          { codigo: '4001', mensagem: `Número do cliente ${numeroCliente} não pertence ao beneficiário autenticado.` },
        ]);
      const codigoSituacao = intParam(req, 'codigoSituacao');
      const dataInicio = dateParam(req, 'dataInicio');
      const dataFim = dateParam(req, 'dataFim');
      const list = bank.byPayer(String(req.params.numeroCpfCnpj), {
        ...(codigoSituacao !== undefined ? { codigoSituacao } : {}),
        ...(dataInicio ? { dataInicio } : {}),
        ...(dataFim ? { dataFim } : {}),
      });
      if (list.length === 0) return void res.status(204).end();
      res.json({ resultado: list.map((b) => payerListView(b, config)) });
    }),
  );
  v3.put(
    '/pagadores',
    need('boletos_alteracao'),
    noContent((req) => {
      bank.updatePayer(parseBody(pagadorSchema, req.body));
    }),
  );

  v3.get(
    '/webhooks',
    need('webhooks_consulta'),
    api((req, res) => {
      bank.syncWebhooks();
      const id = intParam(req, 'idWebhook');
      const tipo = intParam(req, 'codigoTipoMovimento');
      const list = bank
        .webhooksOf(appOf(res))
        .filter(
          (w) => (id === undefined || w.idWebhook === id) && (tipo === undefined || w.codigoTipoMovimento === tipo),
        );
      if (list.length === 0) return void res.status(204).end();
      res.json({ resultado: list.map(webhookView) });
    }),
  );
  v3.post(
    '/webhooks',
    need('webhooks_inclusao'),
    api((req, res) => {
      const w = bank.createWebhook(parseBody(webhookCadastroSchema, req.body), appOf(res));
      res.status(201).json({ resultado: { idWebhook: w.idWebhook } });
    }),
  );
  v3.patch(
    '/webhooks/:idWebhook',
    need('webhooks_alteracao'),
    noContent((req, res) => {
      bank.updateWebhook(pathInt(req, 'idWebhook'), parseBody(webhookAlteracaoSchema, req.body), appOf(res));
    }),
  );
  v3.delete(
    '/webhooks/:idWebhook',
    need('webhooks_alteracao'),
    noContent((req, res) => {
      bank.deleteWebhook(pathInt(req, 'idWebhook'), appOf(res));
    }),
  );
  v3.patch(
    '/webhooks/:idWebhook/reativar',
    need('webhooks_alteracao'),
    noContent((req, res) => {
      bank.syncWebhooks();
      bank.reactivateWebhook(pathInt(req, 'idWebhook'), appOf(res));
    }),
  );
  v3.get(
    '/webhooks/:idWebhook/solicitacoes',
    need('webhooks_consulta'),
    api((req, res) => {
      bank.syncWebhooks();
      const w = bank.webhook(pathInt(req, 'idWebhook'), appOf(res));
      const dataSolicitacao = dateParam(req, 'dataSolicitacao', true)!;
      const q = {
        dataSolicitacao,
        pagina: intParam(req, 'pagina') ?? 1,
        ...(intParam(req, 'codigoSolicitacaoSituacao') !== undefined
          ? { codigoSolicitacaoSituacao: intParam(req, 'codigoSolicitacaoSituacao')! }
          : {}),
        ...(intParam(req, 'nossoNumero') !== undefined ? { nossoNumero: intParam(req, 'nossoNumero')! } : {}),
        ...(typeof req.query.codigoBarras === 'string' ? { codigoBarras: req.query.codigoBarras } : {}),
      };
      res.json({ resultado: solicitacoesView(bank, new Map(webhooks.list().map((d) => [d.deliveryId, d])), w, q) });
    }),
  );
  app.use(SICOOB_SIM_PATHS.api, v3);
  app.use(
    (_req, res) => void res.status(404).json({ mensagens: [{ codigo: '404', mensagem: 'Recurso não encontrado.' }] }),
  );

  // ---- admin (TLS only) ----
  const core: SimulatorCore = {
    clock,
    webhooks,
    tick,
    getWebhookTarget: () => webhookTarget,
    setWebhookTarget: (t) => void ((webhookTarget = t), changed()),
  };
  const pub = express();
  pub.disable('x-powered-by');
  pub.use(express.json());
  const admin = sharedAdminRouter(core);
  admin.get(
    '/scenarios',
    (_req, res) => void res.json({ rows: SICOOB_SCENARIOS.rows, markdown: SICOOB_SCENARIOS.markdown() }),
  );
  admin.get('/ca.pem', (_req, res) => void res.type('application/x-pem-file').send(pki.caCertPem));
  // A new app of the developer portal: a client_id and its certificate (CN = client_id) signed by the test CA, for an
  // account onboarded by CS (its webhooks are its own, apart from the default account's).
  admin.post('/apps', (_req, res) => {
    const clientId = randomUUID();
    const keys = rsaKeyPair();
    const cert = issueClientCertificate(
      pki,
      { subject: { CN: clientId, O: 'Sicoob simulator app' }, publicKeyPem: keys.publicKeyPem },
      clock.now(),
      365,
    );
    res.status(201).json({
      clientId,
      certificatePem: cert.certificatePem,
      privateKeyPem: keys.privateKeyPem,
      notAfter: new Date(cert.notAfter).toISOString(),
    });
  });
  admin.get('/boletos', (_req, res) => void res.json({ items: bank.boletos.values() }));
  admin.get(
    '/registered-webhooks',
    (_req, res) => void (bank.syncWebhooks(), res.json({ items: bank.webhooksRegistered })),
  );
  const at = (body: Record<string, unknown>) =>
    typeof body.at === 'string' && !Number.isNaN(Date.parse(body.at)) ? Date.parse(body.at) : clock.now();
  const adminOp = (fn: (b: NonNullable<ReturnType<SicoobBank['find']>>, body: Record<string, unknown>) => void) =>
    route(async (req, res) => {
      const b = bank.boletos.get(String(req.params.nn));
      if (!b) return res.status(404).json({ error: `no boleto ${String(req.params.nn)}` });
      try {
        fn(b, (req.body ?? {}) as Record<string, unknown>);
      } catch (e) {
        return res.status(409).json({ error: (e as Error).message });
      }
      res.json({ boleto: b, tick: await tick() });
    });
  admin.post(
    '/boletos/:nn/pay',
    adminOp((b, body) =>
      bank.pay(
        b,
        at(body),
        body.pix === true ? 'pix' : 'boleto',
        typeof body.amountCents === 'number' ? body.amountCents : undefined,
      ),
    ),
  );
  admin.post(
    '/boletos/:nn/settle',
    adminOp((b, body) => bank.settle(b, at(body))),
  );
  admin.post(
    '/boletos/:nn/cancel',
    adminOp((b, body) => bank.writeOff(b, at(body))),
  );
  pub.use('/__sim', admin);

  const { server, publicServer, close } = await startMtlsServers({
    app,
    pub,
    pki,
    port: opts.port,
    publicPort: opts.publicPort,
    host: opts.host,
    tlsMaxVersion: config.tlsMaxVersion,
    autoTickMs: opts.autoTickMs,
    tick,
    idle,
    flush: () => persistence?.flush(),
  });

  return {
    ...core,
    url: server.url,
    apiUrl: `${server.url}${SICOOB_SIM_PATHS.api}`,
    tokenUrl: `${server.url}${SICOOB_SIM_PATHS.token}`,
    publicUrl: publicServer.url,
    config,
    bank,
    pki,
    defaultApp,
    tokensIssued: () => issued,
    close,
  };
}
