/**
 * The Itaú simulator: two real HTTPS listeners with the simulator's test CA.
 *
 * - `url` (mutual TLS: a client certificate from the test CA is required, or the handshake fails): the STS token
 *   endpoint `POST /api/oauth/token`, certificate renewal, cash_management v2 (`/cash_management/v2/boletos`),
 *   Boleto com Pix (`/recebimentos-pix/v1/boletos-pix`, unwrapped), legacy bolecode
 *   (`/pix_recebimentos_conciliacoes/v2/boletos_pix`, unwrapped), consulta detalhe (`/boletoscash/v2/boletos`)
 *   and Boletos v3 notification subscriptions (`/boletos/v3/notificacoes_boletos`).
 * - `publicUrl` (server-authenticated TLS only, as the STS certificate request is "no client cert"): the
 *   certificado dinâmico request `POST /seguranca/v1/certificado/solicitacao`, the `/__sim` admin API and
 *   `GET /__sim/ca.pem`.
 *
 * Start it with createItauSimulator({ port: 0, publicPort: 0 }) in tests, `npm run sim:itau` alone, or under
 * `npm start`.
 */
import type { TLSSocket } from 'node:tls';
import express, { type NextFunction, type Request, type Response } from 'express';
import { sharedAdminRouter, route, type SimulatorCore, startMtlsServers } from '../shared/admin';
import { brtIso, SimClock } from '../shared/clock';
import { singleFlightTick } from '../shared/jobs';
import { JsonPersistence } from '../shared/store';
import { type Delivery, WebhookQueue, type WebhookTarget } from '../shared/webhooks';
import {
  ItauBank,
  type ItauRegisterEndpoint,
  ItauRejection,
  type PixWebhook,
  type SimItauBoleto,
  type Subscription,
} from './bank';
import { ITAU_SIM_DEFAULT_CLIENT_ID, itauSimConfig, type ItauSimConfig } from './config';
import { ITAU_SCENARIOS } from './scenarios';
import { certificateFacts, ensurePkiDir, memoryPki, type Pki, type SimApp } from './tls';
import { type ItauTokenState, ItauSts } from './tokens';

export const ITAU_SIM_PATHS = {
  token: '/api/oauth/token',
  certificateRequest: '/seguranca/v1/certificado/solicitacao',
  cashManagement: '/cash_management/v2',
  bolecode: '/recebimentos-pix/v1',
  bolecodeConciliacoes: '/pix_recebimentos_conciliacoes/v2',
  pix: '/regulatorio-pix/v2',
  consulta: '/boletoscash/v2',
  boletosV3: '/boletos/v3',
} as const;

export interface ItauSimulatorOptions {
  port?: number;
  publicPort?: number;
  host?: string;
  config?: Partial<ItauSimConfig>;
  clock?: SimClock;
  autoTickMs?: number;
  /** Keep the test CA, server and default-app certificates here (npm start: DATA_DIR/simulators/itau/pki); else in memory. */
  pkiDir?: string;
  /** Persist what the bank holds here, so restarts keep it. */
  stateFile?: string;
  log?: (msg: string) => void;
}

export interface ItauSimulator extends SimulatorCore {
  /** mTLS listener (API + STS token). */
  url: string;
  port: number;
  /** TLS-only listener (certificate request + /__sim). */
  publicUrl: string;
  publicPort: number;
  config: ItauSimConfig;
  bank: ItauBank;
  sts: ItauSts;
  pki: Pki;
  /** The default app (client_id, client_secret, certificate and key issued by the test CA). */
  defaultApp: SimApp;
  close(): Promise<void>;
}

interface Snapshot {
  clock: { offsetMs: number; frozenAt?: number };
  boletos: SimItauBoleto[];
  subscriptions: Subscription[];
  pixWebhooks?: PixWebhook[];
  attempts: [string, number][];
  sts: ItauTokenState;
  webhooks: Delivery[];
  webhookTarget?: WebhookTarget;
}

type Peer = { serialNumber?: string; commonName?: string };

function peerOf(req: Request): Peer | undefined {
  const sock = req.socket as TLSSocket;
  if (typeof sock.getPeerCertificate !== 'function') return undefined;
  const c = sock.getPeerCertificate();
  if (!c || !c.serialNumber) return undefined;
  const cn = c.subject?.CN;
  return { serialNumber: c.serialNumber, commonName: Array.isArray(cn) ? cn[0] : cn };
}

const itauError = (res: Response, e: ItauRejection) =>
  e.httpStatus === 403 || e.httpStatus >= 500
    ? res.status(e.httpStatus).end()
    : res.status(e.httpStatus).json(e.body());
const missingHeader = (res: Response, header: string) =>
  res.status(400).json({
    codigo: '400',
    mensagem: 'Erro na validacao de campos',
    campos: [{ campo: header, mensagem: 'Header obrigatório não informado', valor: '' }],
  });

export async function createItauSimulator(opts: ItauSimulatorOptions = {}): Promise<ItauSimulator> {
  const config = itauSimConfig(opts.config);
  const clock = opts.clock ?? new SimClock();
  let webhookTarget: WebhookTarget | undefined;
  let persistence: JsonPersistence<Snapshot> | undefined;
  const changed = () => persistence?.schedule();
  const webhooks = new WebhookQueue(clock, () => webhookTarget, config.webhookPolicy, changed);
  const bank = new ItauBank(config, clock, webhooks, changed);
  const log = opts.log ?? (() => undefined);

  // PKI: on disk (npm start; shared with the worker's default account) or in memory (tests).
  let pki: Pki;
  let defaultApp: SimApp;
  let defaultSerial: string;
  let defaultNotAfter: number;
  if (opts.pkiDir) {
    const d = ensurePkiDir(opts.pkiDir, ITAU_SIM_DEFAULT_CLIENT_ID);
    pki = d.pki;
    defaultApp = d.app;
    const facts = certificateFacts(d.app.certificatePem);
    defaultSerial = facts.serialNumber;
    defaultNotAfter = facts.notAfter;
  } else {
    const m = memoryPki(ITAU_SIM_DEFAULT_CLIENT_ID, clock.now(), config.certificateDays);
    pki = m.pki;
    defaultApp = m.app;
    defaultSerial = m.serialNumber;
    defaultNotAfter = certificateFacts(m.app.certificatePem).notAfter;
  }
  const sts = new ItauSts(config, clock, pki);
  const faults = { count: 0, status: 503, retryAfterSeconds: 1 };

  if (opts.stateFile) {
    persistence = new JsonPersistence<Snapshot>(opts.stateFile, () => ({
      clock: clock.snapshot(),
      boletos: bank.boletos.values(),
      subscriptions: bank.subscriptions,
      pixWebhooks: bank.pixWebhooks,
      attempts: [...bank.attempts],
      sts: sts.state,
      webhooks: webhooks.snapshot(),
      ...(webhookTarget ? { webhookTarget } : {}),
    }));
    const saved = persistence.load();
    if (saved) {
      if (!opts.clock) clock.restore(saved.clock);
      saved.boletos.forEach((b) => bank.boletos.insert(b));
      bank.subscriptions = saved.subscriptions;
      bank.pixWebhooks = saved.pixWebhooks ?? [];
      bank.attempts = new Map(saved.attempts);
      sts.state = saved.sts;
      webhooks.restore(saved.webhooks);
      webhookTarget = saved.webhookTarget;
    }
  }
  sts.putApp({
    clientId: defaultApp.clientId,
    clientSecret: defaultApp.clientSecret,
    serialNumber: defaultSerial,
    notAfter: defaultNotAfter,
    company: 'boletoflow simulated company',
  });
  for (const s of config.subscriptions ?? []) {
    const oauth = s.target.oauth;
    if (!oauth) continue;
    bank.subscribe({
      id_beneficiario: bank.idBeneficiario,
      webhook_url: s.target.url,
      webhook_oauth_url: oauth.tokenUrl,
      webhook_client_id: oauth.clientId,
      webhook_client_secret: oauth.clientSecret,
      ...(oauth.scope ? { webhook_oauth_scope: oauth.scope } : {}),
      tipos_notificacoes: s.tipos,
      valor_minimo: 0,
    });
  }

  for (const w of config.pixWebhooks ?? []) bank.putPixWebhook(w.chave, w.webhookUrl);

  const { tick, idle } = singleFlightTick(() => bank.runJobs(), webhooks, clock);

  // ================= mTLS listener =================
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false }));
  app.use(express.text({ type: ['text/plain', 'application/pkcs10', 'application/x-pem-file'], limit: '64kb' }));
  app.use((req, res, next) => {
    const cid = req.get('x-itau-correlationID');
    if (cid) res.setHeader('x-itau-correlationID', cid);
    next();
  });

  app.post(ITAU_SIM_PATHS.token, (req, res) => {
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    const a = sts.token(form, peerOf(req));
    changed();
    res.status(a.status).json(a.json);
  });

  for (const path of config.renewalPaths) {
    app.post(path, (req, res) => {
      if (path.includes('/v2/') && req.get('x-itau-force-cert') !== 'true')
        return void missingHeader(res, 'x-itau-force-cert');
      const a = sts.renewCertificate(
        req.get('authorization'),
        peerOf(req),
        typeof req.body === 'string' ? req.body : '',
      );
      changed();
      res
        .status(a.status)
        .type('text/plain')
        .send(a.text ?? '');
    });
  }

  /** Bearer token (valid, of the app whose certificate is on this connection) + x-itau-apikey (+ correlation id). */
  const guard = (opts: { correlationRequired: boolean }) => (req: Request, res: Response, next: NextFunction) => {
    if (faults.count > 0) {
      faults.count--;
      res.setHeader('Retry-After', String(faults.retryAfterSeconds));
      return void res.status(faults.status).end();
    }
    const auth = req.get('authorization');
    const token = auth && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
    const access = sts.validAccess(token, peerOf(req));
    if ('error' in access) {
      return void res.status(401).json({
        codigo: '401',
        mensagem: access.error === 'token' ? 'Token inválido ou expirado' : 'Falha ao validar token HMAC',
      });
    }
    const apikey = req.get('x-itau-apikey');
    if (!apikey) return void missingHeader(res, 'x-itau-apikey');
    if (apikey !== access.clientId) return void res.status(403).end();
    if (opts.correlationRequired && !req.get('x-itau-correlationID'))
      return void missingHeader(res, 'x-itau-correlationID');
    next();
  };

  /**
   * One registration endpoint. cash_management: `{data:{…}}` (unwrapped accepted too, as some clients send it),
   * answered `{data}`; pix_recebimentos_conciliacoes `/boletos_pix`: unwrapped, answered `{data}` (what its clients
   * read); recebimentos-pix `/boletos-pix`: unwrapped both ways [C]. Strict mode reads the bolecode APIs' bodies
   * only unwrapped (a `{data}` envelope leaves every field missing) and each endpoint's own amount format.
   */
  const registration = (endpoint: ItauRegisterEndpoint) =>
    route(async (req, res) => {
      const raw = (req.body ?? {}) as Record<string, unknown>;
      const unwrapOnly = config.strict && endpoint !== 'cash_management';
      const data = (!unwrapOnly && raw.data && typeof raw.data === 'object' ? raw.data : raw) as Record<
        string,
        unknown
      >;
      const wrapped = endpoint !== 'recebimentos_pix';
      const scenario = bank.scenarioOf(data);
      if (
        scenario === 'UNAVAILABLE_FIRST_N' &&
        data.etapa_processo_boleto === 'efetivacao' &&
        bank.countAttempt(bank.nossoNumeroOf(data)) <= config.unavailableFirstN
      ) {
        res.setHeader('Retry-After', '1');
        return res.status(503).end();
      }
      try {
        const { boleto, stored } = await bank.register(data, endpoint);
        if (stored) log(`registered ${boleto.nossoNumero} (${boleto.scenario})`);
        if (stored && scenario === 'PENDING_202') {
          return res
            .status(202)
            .json({ codigo: '202', mensagem: 'Operação em andamento, consulte seu bolecode em instantes' });
        }
        const view = bank.registerView(boleto, stored);
        res.status(200).json(wrapped ? { data: view } : view);
      } catch (e) {
        if (e instanceof ItauRejection) return itauError(res, e);
        throw e;
      }
    });

  const cm = express.Router();
  cm.use(guard({ correlationRequired: false }));
  cm.post('/boletos', registration('cash_management'));
  // cash_management GET: by nosso número (view=specific needs data_inclusao too [C]); 204 when nothing matches.
  cm.get('/boletos', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    if (!q.id_beneficiario)
      return void res.status(400).json({
        codigo: '400',
        mensagem: 'Erro na validacao de campos',
        campos: [{ campo: 'id_beneficiario', mensagem: 'Parâmetro obrigatório', valor: '' }],
      });
    const items = bank.boletos.filter(
      (b) =>
        q.id_beneficiario === bank.idBeneficiario &&
        (!q.codigo_carteira || b.carteira === q.codigo_carteira) &&
        (!q.nosso_numero || b.nossoNumero === q.nosso_numero) &&
        (!q.data_inclusao || brtIso(b.createdAt).slice(0, 10) === q.data_inclusao),
    );
    if (!items.length) return void res.status(204).end();
    res.json({ data: items.map((b) => bank.detailView(b)) });
  });
  cm.patch(
    '/boletos/:id/:instrucao',
    route((req, res) => {
      const b = bank.byIdBoleto(String(req.params.id));
      if (!b) return res.status(404).json({ codigo: '404', mensagem: 'Boleto não encontrado', campos: [] });
      try {
        const status = bank.instruction(b, String(req.params.instrucao), (req.body ?? {}) as Record<string, unknown>);
        // Itaú's own 200 example (cash_management OpenAPI `200_instrucao`), leading spaces included.
        if (status === 'approval') {
          return res.json({
            data: {
              codigo: '200',
              mensagem: ' Aguardando aprovação',
              campos: [
                { campo: 'COD-RET', mensagem: ' Processamento efetuado. Aguardando aprovação do gerente', valor: '' },
              ],
            },
          });
        }
        if (status === 204) return res.status(204).end();
        if (status === 202)
          return res.status(202).json({ data: { codigo: '202', mensagem: 'Instrução em processamento' } });
        res.json({
          data: {
            codigo: '200',
            mensagem: 'Operação realizada com sucesso',
            campos: [{ campo: 'COD-RET', mensagem: 'Processamento efetuado', valor: '' }],
          },
        });
      } catch (e) {
        if (e instanceof ItauRejection) return itauError(res, e);
        throw e;
      }
    }),
  );
  app.use(ITAU_SIM_PATHS.cashManagement, cm);

  const pix = express.Router();
  pix.use(guard({ correlationRequired: false }));
  pix.post('/boletos-pix', registration('recebimentos_pix'));
  app.use(ITAU_SIM_PATHS.bolecode, pix);

  // Legacy bolecode (pix_recebimentos_conciliacoes v2): POST /boletos_pix, what every public bolecode client calls.
  const pixLegacy = express.Router();
  pixLegacy.use(guard({ correlationRequired: false }));
  pixLegacy.post('/boletos_pix', registration('pix_recebimentos_conciliacoes'));
  app.use(ITAU_SIM_PATHS.bolecodeConciliacoes, pixLegacy);

  // The Pix side of bolecodes (regulatório Pix v2): the charge by txid; errors in RFC 7807 as the Pix API's [3P S14].
  const pixApi = express.Router();
  pixApi.use(guard({ correlationRequired: false }));
  pixApi.get('/cob/:txid', (req, res) => {
    const b = bank.byTxid(String(req.params.txid));
    const cob = b ? bank.cobView(b) : undefined;
    if (!cob)
      return void res.status(404).json({
        type: 'https://pix.bcb.gov.br/api/v2/error/CobNaoEncontrado',
        title: 'Cobrança não encontrada',
        status: 404,
        detail: 'Nenhuma cobrança encontrada para o txid informado.',
      });
    res.json(cob);
  });
  // The Pix webhook of a key (BCB Pix API): Itaú then POSTs {"pix":[…]} to `<webhookUrl>/pix` when a Pix with a txid is received.
  pixApi.put('/webhook/:chave', (req, res) => {
    const url = (req.body as Record<string, unknown> | undefined)?.webhookUrl;
    try {
      bank.putPixWebhook(String(req.params.chave), typeof url === 'string' ? url : '');
    } catch (e) {
      if (!(e instanceof ItauRejection)) throw e;
      return void res.status(400).json({
        type: 'https://pix.bcb.gov.br/api/v2/error/WebhookOperacaoInvalida',
        title: 'Webhook inválido',
        status: 400,
        detail:
          'A requisição que busca alterar ou criar um webhook não respeita o schema ou está semanticamente errada.',
        violacoes: [{ razao: 'o campo webhookUrl não respeita o schema', propriedade: 'webhookUrl' }],
      });
    }
    res.status(200).end();
  });
  pixApi.get('/webhook/:chave', (req, res) => {
    const w = bank.pixWebhooks.find((x) => x.chave === req.params.chave);
    if (!w)
      return void res.status(404).json({
        type: 'https://pix.bcb.gov.br/api/v2/error/WebhookNaoEncontrado',
        title: 'Webhook não encontrado',
        status: 404,
        detail: 'Nenhum webhook encontrado para a chave informada.',
      });
    res.json(w);
  });
  pixApi.delete('/webhook/:chave', (req, res) => {
    const before = bank.pixWebhooks.length;
    bank.pixWebhooks = bank.pixWebhooks.filter((x) => x.chave !== req.params.chave);
    if (bank.pixWebhooks.length === before)
      return void res.status(404).json({
        type: 'https://pix.bcb.gov.br/api/v2/error/WebhookNaoEncontrado',
        title: 'Webhook não encontrado',
        status: 404,
        detail: 'Nenhum webhook encontrado para a chave informada.',
      });
    changed();
    res.status(204).end();
  });
  app.use(ITAU_SIM_PATHS.pix, pixApi);

  // Consulta detalhe: id_beneficiario, codigo_carteira, nosso_numero all required; correlation id required.
  const consulta = express.Router();
  consulta.use(guard({ correlationRequired: true }));
  consulta.get('/boletos', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const missing = ['id_beneficiario', 'codigo_carteira', 'nosso_numero'].filter((k) => !q[k]);
    if (missing.length) {
      return void res.status(400).json({
        codigo: '400',
        mensagem: 'Erro na validacao de campos',
        campos: missing.map((campo) => ({ campo, mensagem: 'Parâmetro obrigatório', valor: '' })),
      });
    }
    const b =
      q.id_beneficiario === bank.idBeneficiario
        ? bank.byNossoNumero(String(q.codigo_carteira), String(q.nosso_numero))
        : undefined;
    let found = b;
    if (b && b.hiddenQueries > 0) {
      // Scenario 202: the registration is still "em andamento".
      b.hiddenQueries--;
      found = undefined;
      changed();
    }
    // Scenario AWAITING_APPROVAL: what the manager approved by now shows (no tick needed).
    if (found) bank.approvePending(found);
    if (!found) {
      if (config.unknownQuery === '404')
        return void res.status(404).json({ codigo: '404', mensagem: 'Boleto não encontrado', campos: [] });
      return void res.json({ data: [], page: { page: 0, total_pages: 0, total_elements: 0, page_size: 10 } });
    }
    res.json({ data: [bank.detailView(found)], page: { page: 0, total_pages: 1, total_elements: 1, page_size: 10 } });
  });
  app.use(ITAU_SIM_PATHS.consulta, consulta);

  const v3 = express.Router();
  v3.use(guard({ correlationRequired: true }));
  v3.post('/notificacoes_boletos', (req, res) => {
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const data = (raw.data && typeof raw.data === 'object' ? raw.data : raw) as Record<string, unknown>;
    try {
      res.status(201).json({ data: bank.subscribe(data).map(ItauBank.shown) });
    } catch (e) {
      if (e instanceof ItauRejection) return void res.status(e.httpStatus).json({ messages: [e.body()] });
      throw e;
    }
  });
  v3.get('/notificacoes_boletos', (req, res) => {
    const id = (req.query as Record<string, string | undefined>).id_beneficiario;
    res.json({ data: bank.subscriptions.filter((s) => !id || s.id_beneficiario === id).map(ItauBank.shown) });
  });
  v3.patch('/notificacoes_boletos/:id', (req, res) => {
    const s = bank.subscriptions.find((x) => x.id_notificacao_boleto === req.params.id);
    if (!s) return void res.status(404).json({ messages: [{ codigo: '404', mensagem: 'Notificação não encontrada' }] });
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const data = (raw.data && typeof raw.data === 'object' ? raw.data : raw) as Record<string, unknown>;
    for (const k of [
      'webhook_url',
      'webhook_oauth_url',
      'webhook_client_id',
      'webhook_client_secret',
      'webhook_oauth_scope',
    ] as const)
      if (typeof data[k] === 'string') s[k] = data[k];
    if (data.valor_minimo !== undefined && Number.isFinite(Number(data.valor_minimo)))
      s.valor_minimo = Number(data.valor_minimo);
    changed();
    res.json({ data: ItauBank.shown(s) });
  });
  v3.delete('/notificacoes_boletos/:id', (req, res) => {
    const before = bank.subscriptions.length;
    bank.subscriptions = bank.subscriptions.filter((x) => x.id_notificacao_boleto !== req.params.id);
    if (bank.subscriptions.length === before)
      return void res.status(404).json({ messages: [{ codigo: '404', mensagem: 'Notificação não encontrada' }] });
    changed();
    res.status(204).end();
  });
  app.use(ITAU_SIM_PATHS.boletosV3, v3);
  app.use((_req, res) => void res.status(404).json({ codigo: '404', mensagem: 'Recurso não encontrado' }));

  // ================= TLS-only listener: certificate request + admin =================
  const pub = express();
  pub.disable('x-powered-by');
  pub.use(express.json({ limit: '1mb' }));
  pub.use(express.text({ type: ['text/plain', 'application/pkcs10', 'application/x-pem-file'], limit: '64kb' }));
  pub.post(ITAU_SIM_PATHS.certificateRequest, (req, res) => {
    const a = sts.requestCertificate(req.get('authorization'), typeof req.body === 'string' ? req.body : '');
    changed();
    res
      .status(a.status)
      .type('text/plain')
      .send(a.text ?? '');
  });

  const core: SimulatorCore = {
    clock,
    webhooks,
    tick,
    getWebhookTarget: () => webhookTarget,
    setWebhookTarget: (t) => {
      webhookTarget = t;
      changed();
    },
  };
  const admin = sharedAdminRouter(core);
  admin.get(
    '/scenarios',
    (_req, res) => void res.json({ rows: ITAU_SCENARIOS.rows, markdown: ITAU_SCENARIOS.markdown() }),
  );
  admin.get('/ca.pem', (_req, res) => void res.type('application/x-pem-file').send(pki.caCertPem));
  admin.get('/boletos', (_req, res) => void res.json({ items: bank.boletos.values().map((b) => bank.adminView(b)) }));
  admin.get('/subscriptions', (_req, res) => void res.json({ items: bank.subscriptions.map(ItauBank.shown) }));
  const adminOp = (fn: (b: SimItauBoleto, body: Record<string, unknown>) => unknown) =>
    route(async (req, res) => {
      const id = String(req.params.nn);
      const b =
        bank.boletos.get(id) ??
        bank.byNossoNumero(config.carteiras[0] ?? '109', id.padStart(8, '0')) ??
        bank.byIdBoleto(id);
      if (!b) return res.status(404).json({ error: 'no such boleto' });
      try {
        fn(b, (req.body ?? {}) as Record<string, unknown>);
      } catch (e) {
        if (e instanceof ItauRejection) return res.status(409).json({ error: e.message });
        throw e;
      }
      const report = await tick();
      res.json({ boleto: bank.adminView(b), tick: report });
    });
  const at = (body: Record<string, unknown>) => (typeof body.at === 'string' ? Date.parse(body.at) : clock.now());
  admin.post(
    '/boletos/:nn/pay',
    adminOp((b, body) =>
      bank.pay(
        b,
        at(body),
        typeof body.amountCents === 'number' ? body.amountCents : undefined,
        body.pix === true ? 'pix' : 'boleto',
      ),
    ),
  );
  admin.post(
    '/boletos/:nn/settle',
    adminOp((b, body) => bank.settle(b, at(body))),
  );
  admin.post(
    '/boletos/:nn/cancel',
    adminOp((b, body) => bank.writeOff(b, at(body), false)),
  );
  // The manager approves every instruction waiting (scenario AWAITING_APPROVAL).
  admin.post(
    '/boletos/:nn/approve',
    adminOp((b) => bank.approvePending(b, clock.now(), true)),
  );
  admin.get(
    '/tokens',
    (_req, res) =>
      void res.json({
        ...sts.state.stats,
        apps: sts.state.apps.map((a) => ({
          clientId: a.clientId,
          certificates: a.certificates.map((c) => ({ serialNumber: c.serialNumber, notAfter: brtIso(c.notAfter) })),
        })),
        subscriberOAuthRequests: webhooks.oauthRequests,
      }),
  );
  // "Itaú e-mails client_id + temporary token" (certificado dinâmico, step 2): a new app.
  admin.post('/apps', (req, res) => {
    const company =
      typeof (req.body as { company?: unknown })?.company === 'string'
        ? (req.body as { company: string }).company
        : undefined;
    const a = sts.newApp(company);
    changed();
    res.status(201).json({ clientId: a.clientId, temporaryToken: a.temporaryToken, expiresAt: brtIso(a.expiresAt) });
  });
  admin.post('/apps/:clientId/temporary-token', (req, res) => {
    if (!sts.app(String(req.params.clientId))) return void res.status(404).json({ error: 'no such app' });
    const t = sts.newTemporaryToken(String(req.params.clientId));
    changed();
    res.status(201).json({ temporaryToken: t.temporaryToken, expiresAt: brtIso(t.expiresAt) });
  });
  admin.post('/faults', (req, res) => {
    const b = (req.body ?? {}) as { count?: number; status?: number; retryAfterSeconds?: number };
    faults.count = b.count ?? 1;
    faults.status = b.status ?? 503;
    faults.retryAfterSeconds = b.retryAfterSeconds ?? 1;
    res.json(faults);
  });
  pub.use('/__sim', admin);
  pub.get(
    '/',
    (_req, res) => void res.json({ simulator: 'itau', api: 'mTLS listener', admin: '/__sim', today: clock.today() }),
  );

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
    port: server.port,
    publicUrl: publicServer.url,
    publicPort: publicServer.port,
    config,
    bank,
    sts,
    pki,
    defaultApp,
    close,
  };
}
