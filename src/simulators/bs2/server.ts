/**
 * The BS2 simulator as a real HTTP server: BS2's OAuth endpoint and Cobrança API (paths, bodies, status codes and
 * error shapes as documented or observed, bank-apis.md §1), webhooks to a configured URL, and the /__sim admin API.
 * Start it with createBs2Simulator({ port: 0 }) in tests, `npm run sim:bs2` alone, or under `npm start`.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { renderBoletoPdf } from '../../domain/pdf';
import { compareIsoDates, isIsoDate } from '../../domain';
import { sharedAdminRouter, listen, route, type RunningServer, type SimulatorCore } from '../shared/admin';
import { brtIso, SimClock } from '../shared/clock';
import { singleFlightTick } from '../shared/jobs';
import { JsonPersistence } from '../shared/store';
import { type Delivery, WebhookQueue, type WebhookTarget } from '../shared/webhooks';
import { Bs2Bank, Bs2Rejection, type SimBoleto } from './bank';
import { bs2SimConfig, type Bs2SimConfig } from './config';
import { BS2_SCENARIOS } from './scenarios';
import { Bs2TokenAuthority, type TokenState } from './tokens';

export const BS2_API_PREFIX = '/pj/forintegration/cobranca';

export interface Bs2SimulatorOptions {
  port?: number;
  host?: string;
  config?: Partial<Bs2SimConfig>;
  clock?: SimClock;
  /** Run due jobs and deliver webhooks every this many real ms (npm start); tests tick explicitly. */
  autoTickMs?: number;
  /** Persist what the bank holds (boletos, tokens, clock, queue) here, so restarts keep it. */
  stateFile?: string;
  log?: (msg: string) => void;
}

export interface Bs2Simulator extends SimulatorCore {
  url: string;
  port: number;
  config: Bs2SimConfig;
  bank: Bs2Bank;
  tokens: Bs2TokenAuthority;
  close(): Promise<void>;
}

interface Snapshot {
  clock: { offsetMs: number; frozenAt?: number };
  boletos: SimBoleto[];
  nextNossoNumero: number;
  attempts: [string, number][];
  tokens: TokenState;
  webhooks: Delivery[];
  webhookTarget?: WebhookTarget;
}

const bs2Error = (res: Response, status: number, descricao: string, tag: string) =>
  res.status(status).json([{ descricao, tag }]);

/** A boleto reference BS2 can parse: its uuid, or a nossoNumero (int64). Anything else is 400 tag NossoNumero [3P S10]. */
const WELL_FORMED_REF = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,19})$/i;

export async function createBs2Simulator(opts: Bs2SimulatorOptions = {}): Promise<Bs2Simulator> {
  const config = bs2SimConfig(opts.config);
  const clock = opts.clock ?? new SimClock();
  let webhookTarget: WebhookTarget | undefined = config.webhook;
  let persistence: JsonPersistence<Snapshot> | undefined;
  const changed = () => persistence?.schedule();
  const webhooks = new WebhookQueue(clock, () => webhookTarget, config.webhookPolicy, changed);
  const bank = new Bs2Bank(config, clock, webhooks, changed);
  const tokens = new Bs2TokenAuthority(config, clock);
  // Outages injected by the admin API: the next `count` calls to the Cobrança API, or to the token endpoint.
  const faults = { count: 0, status: 503, retryAfterSeconds: 1 };
  const tokenFaults = { count: 0, status: 503, retryAfterSeconds: 1 };
  const held = new Set<NodeJS.Timeout>();
  const log = opts.log ?? (() => undefined);

  if (opts.stateFile) {
    persistence = new JsonPersistence<Snapshot>(opts.stateFile, () => ({
      clock: clock.snapshot(),
      boletos: bank.boletos.values(),
      nextNossoNumero: bank.nextNossoNumero,
      attempts: [...bank.attempts],
      tokens: tokens.state,
      webhooks: webhooks.snapshot(),
      ...(webhookTarget ? { webhookTarget } : {}),
    }));
    const saved = persistence.load();
    if (saved) {
      if (!opts.clock) clock.restore(saved.clock);
      saved.boletos.forEach((b) => bank.boletos.insert(b));
      bank.nextNossoNumero = saved.nextNossoNumero;
      bank.attempts = new Map(saved.attempts);
      tokens.state = saved.tokens;
      webhooks.restore(saved.webhooks);
      webhookTarget = config.webhook ?? saved.webhookTarget;
    }
  }

  const { tick, idle } = singleFlightTick(() => bank.runJobs(), webhooks, clock);

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false }));

  // Production: BS2's per-client code in the User-Agent of every request [C].
  app.use((req, res, next) => {
    if (
      config.requiredUserAgent &&
      req.path !== '/' &&
      !req.path.startsWith('/__sim') &&
      req.get('user-agent') !== config.requiredUserAgent
    ) {
      return void res.status(403).json({ message: 'User-Agent não autorizado.' });
    }
    next();
  });

  // ---- OAuth ----
  app.post('/auth/oauth/v2/token', (req, res) => {
    if (tokenFaults.count > 0) {
      // An outage of the token endpoint (the gateway's answer, before any token is issued or rotated).
      tokenFaults.count--;
      res.setHeader('Retry-After', String(tokenFaults.retryAfterSeconds));
      return void res.status(tokenFaults.status).json({ message: 'Service Unavailable' });
    }
    let basic: { user: string; pass: string } | undefined;
    const auth = req.get('authorization');
    if (auth && /^basic /i.test(auth)) {
      const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) basic = { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
    }
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    const result = tokens.issue({ basic, form });
    if ('retryAfterSeconds' in result && result.retryAfterSeconds)
      res.setHeader('Retry-After', String(result.retryAfterSeconds));
    changed();
    res.status(result.status).json(result.body);
  });

  // ---- API: faults, User-Agent, Bearer ----
  const api = express.Router();
  api.use((req: Request, res: Response, next: NextFunction) => {
    if (faults.count > 0) {
      faults.count--;
      res.setHeader('Retry-After', String(faults.retryAfterSeconds));
      return void res.status(faults.status).json({ message: 'Service Unavailable' });
    }
    const auth = req.get('authorization');
    const token = auth && /^bearer /i.test(auth) ? auth.slice(7).trim() : undefined;
    if (!tokens.validAccess(token))
      return void res.status(401).json({ error: 'invalid_token', error_description: 'Token inválido ou expirado.' });
    next();
  });

  const register = (version: 'v1' | 'v2') => (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body))
      return void bs2Error(res, 400, 'Corpo da requisição inválido.', 'Body');
    const scenario = bank.scenarioOf(body);
    const seu = typeof body.seuNumero === 'string' ? body.seuNumero : undefined;
    const attempt = scenario === 'UNAVAILABLE_FIRST_N' || scenario === 'LOST_RESPONSE' ? bank.countAttempt(seu) : 0;
    if (scenario === 'UNAVAILABLE_FIRST_N' && attempt <= config.unavailableFirstN) {
      res.setHeader('Retry-After', '1');
      return void res.status(503).json({ message: 'Service Unavailable' });
    }
    try {
      const b = bank.register(body, version);
      log(`registered ${b.nossoNumero} (${b.scenario})`);
      if (scenario === 'LOST_RESPONSE' && attempt === 1) {
        // Registered at the bank; the response is lost: hold it, then drop the connection.
        const t = setTimeout(() => {
          held.delete(t);
          res.socket?.destroy();
        }, config.lostResponseHoldMs);
        held.add(t);
        return;
      }
      res.json(bank.registerResponse(b));
    } catch (e) {
      if (e instanceof Bs2Rejection) {
        // BS2 answers some refusals with its error array and HTTP 200 [3P S10: past due date]: strict mode does too.
        const as200 =
          config.strict && e.httpStatus === 400 && e.errors.every((x) => config.http200ErrorTags.includes(x.tag));
        return void res.status(as200 ? 200 : e.httpStatus).json(e.errors);
      }
      throw e;
    }
  };
  api.post('/v1/boletos/simplificado', register('v1'));
  api.post('/v2/boletos/simplificado', register('v2'));

  api.get('/v1/boletos', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const limite = q.limite === undefined ? 10 : Number(q.limite);
    const inicio = q.inicio === undefined ? config.searchFirstPage : Number(q.inicio);
    if (!Number.isInteger(limite) || limite < 1 || limite > config.maxSearchLimit) {
      return void bs2Error(res, 400, `Limite deve estar entre 1 e ${config.maxSearchLimit}.`, 'Limite');
    }
    if (!Number.isInteger(inicio) || inicio < config.searchFirstPage)
      return void bs2Error(res, 400, 'Início inválido.', 'Inicio');
    const d = (k: string) => (q[k] === undefined ? undefined : String(q[k]).slice(0, 10));
    for (const k of ['emissaoInicial', 'emissaoFinal', 'vencimentoInicial', 'vencimentoFinal']) {
      const v = d(k);
      if (v !== undefined && !isIsoDate(v)) return void bs2Error(res, 400, 'Data inválida.', k);
    }
    const status = q.status === undefined ? undefined : Number(String(q.status).slice(0, 1));
    const inRange = (v: string, from?: string, to?: string) =>
      (!from || compareIsoDates(v, from) >= 0) && (!to || compareIsoDates(v, to) <= 0);
    // By seuNumero or nossoNumero from the store's indexes (what our adapter asks), else a scan.
    const candidates =
      q.seuNumero !== undefined
        ? bank.boletos.by('seuNumero', String(q.seuNumero))
        : q.nossoNumero !== undefined
          ? bank.boletos.by('nossoNumero', String(q.nossoNumero))
          : bank.boletos.values();
    const all = candidates
      .filter(
        (b) =>
          inRange(b.vencimento, d('vencimentoInicial'), d('vencimentoFinal')) &&
          inRange(brtIso(b.emissao).slice(0, 10), d('emissaoInicial'), d('emissaoFinal')) &&
          (status === undefined || bank.status(b) === status) &&
          (q.seuNumero === undefined || b.seuNumero === q.seuNumero) &&
          (q.nossoNumero === undefined || String(b.nossoNumero) === q.nossoNumero) &&
          (q.canal === undefined || (b.request.canal ?? 'API') === q.canal) &&
          (q.documentoSacado === undefined ||
            (b.request.cliente as { documento?: string } | undefined)?.documento === q.documentoSacado),
      )
      .sort((a, b) => a.nossoNumero - b.nossoNumero);
    const start = (inicio - config.searchFirstPage) * limite;
    res.json({ items: all.slice(start, start + limite).map((b) => bank.detail(b)), inicio, limite, total: all.length });
  });

  const withBoleto = (fn: (b: SimBoleto, req: Request, res: Response) => unknown) =>
    route(async (req, res) => {
      const ref = String(req.params.id);
      // BS2's own answer to an id it cannot parse (GET /boletos/abc123) [3P S10 fixture]; 404 for an unknown one [U].
      if (!WELL_FORMED_REF.test(ref)) return bs2Error(res, 400, 'Não pode ser nulo ou vazio.', 'NossoNumero');
      const b = bank.byRef(ref);
      if (!b) return bs2Error(res, 404, 'Boleto não encontrado.', 'BoletoId');
      try {
        await fn(b, req, res);
      } catch (e) {
        if (e instanceof Bs2Rejection) return res.status(e.httpStatus === 422 ? 400 : e.httpStatus).json(e.errors);
        throw e;
      }
    });

  api.get(
    '/v1/boletos/:id',
    withBoleto((b, _req, res) => res.json({ item: bank.detail(b) })),
  );
  api.get(
    '/v1/boletos/:id/imprimivel',
    withBoleto(async (b, _req, res) => {
      const cliente = (b.request.cliente ?? {}) as {
        nome?: string;
        documento?: string;
        endereco?: Record<string, string | undefined>;
      };
      const e = cliente.endereco ?? {};
      const pdf = await renderBoletoPdf({
        bank: { code: '218', name: 'Banco BS2 S.A.' },
        beneficiary: {
          name: config.beneficiary.name,
          document: config.beneficiary.document,
          agencyAccount: config.beneficiary.agencyAccount,
          address: [],
        },
        payer: {
          name: cliente.nome ?? '',
          document: cliente.documento ?? '',
          address: [
            [e.logradouro, e.numero, e.complemento].filter(Boolean).join(', '),
            [e.bairro, e.cidade, e.estado, e.cep].filter(Boolean).join(' - '),
          ].filter((l) => l !== ''),
        },
        nossoNumero: String(b.nossoNumero),
        documentNumber: b.seuNumero,
        issueDate: brtIso(b.emissao).slice(0, 10),
        dueDate: b.vencimento,
        amountCents: b.valorCents,
        carteira: '1',
        paymentPlace: 'Pagável em qualquer banco até o vencimento',
        instructions: Object.values((b.request.mensagem ?? {}) as Record<string, string | null>).filter(
          (l): l is string => typeof l === 'string' && l !== '',
        ),
        barcode: b.barcode,
      });
      res.type('application/pdf').send(pdf);
    }),
  );
  api.post(
    '/v1/boletos/:id/solicitacoes/cancelamentos',
    withBoleto((b, req, res) => {
      const justificativa =
        typeof (req.body as { justificativa?: unknown })?.justificativa === 'string'
          ? (req.body as { justificativa: string }).justificativa
          : 'Solicitado pelo cliente';
      bank.cancel(b, clock.now(), justificativa, true);
      const s = b.requests.at(-1);
      res.json({
        solicitacaoId: s?.solicitacaoId,
        boletoId: b.id,
        nossoNumero: b.nossoNumero,
        status: 1,
        justificativa,
      });
    }),
  );
  const duePath = config.dueDateChangePath.replace(BS2_API_PREFIX, '').replace('{id}', ':id');
  api.post(
    duePath,
    withBoleto((b, req, res) => {
      bank.changeDueDate(b, (req.body as { vencimento?: unknown })?.vencimento);
      const s = b.requests.at(-1);
      res.json({
        solicitacaoId: s?.solicitacaoId,
        boletoId: b.id,
        nossoNumero: b.nossoNumero,
        status: 1,
        vencimento: `${b.vencimento}T00:00:00`,
      });
    }),
  );
  app.use(BS2_API_PREFIX, api);

  // ---- admin ----
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
  const adminView = (b: SimBoleto) => ({
    ...bank.detail(b),
    scenario: b.scenario,
    history: b.history.map((h) => ({ status: h.status, at: brtIso(h.at) })),
    lastPayableDay: bank.lastPayableDay(b),
    settleDueAt: b.settleDueAt === undefined ? null : brtIso(b.settleDueAt),
    requests: b.requests,
  });
  admin.get(
    '/scenarios',
    (_req, res) => void res.json({ rows: BS2_SCENARIOS.rows, markdown: BS2_SCENARIOS.markdown() }),
  );
  admin.get('/boletos', (_req, res) => void res.json({ items: bank.boletos.values().map(adminView) }));
  const adminOp = (fn: (b: SimBoleto, body: Record<string, unknown>) => unknown) =>
    route(async (req, res) => {
      const b = bank.byRef(String(req.params.id));
      if (!b) return res.status(404).json({ error: 'no such boleto' });
      try {
        fn(b, (req.body ?? {}) as Record<string, unknown>);
      } catch (e) {
        if (e instanceof Bs2Rejection) return res.status(409).json({ error: e.message, errors: e.errors });
        throw e;
      }
      const report = await tick();
      res.json({ boleto: adminView(b), tick: report });
    });
  const at = (body: Record<string, unknown>) => (typeof body.at === 'string' ? Date.parse(body.at) : clock.now());
  // `pulse: false`: paid at a bank that sends BS2 no "paid" pulse (Inter, Caixa, Banestes, Banco do Brasil: seed FAQ).
  admin.post(
    '/boletos/:id/pay',
    adminOp((b, body) =>
      bank.pay(
        b,
        at(body),
        typeof body.amountCents === 'number' ? body.amountCents : undefined,
        body.pulse === false ? { pulse: false } : {},
      ),
    ),
  );
  admin.post(
    '/boletos/:id/settle',
    adminOp((b, body) => bank.settle(b, at(body))),
  );
  admin.post(
    '/boletos/:id/cancel',
    adminOp((b, body) =>
      bank.cancel(b, at(body), typeof body.reason === 'string' ? body.reason : 'Baixa pelo banco', false),
    ),
  );
  admin.get(
    '/tokens',
    (_req, res) =>
      void res.json({
        ...tokens.state.stats,
        refreshExpiresAt: brtIso(tokens.state.refreshExpiresAt),
        callsLastMinute: tokens.state.calls.filter((t) => clock.now() - t < 60_000).length,
      }),
  );
  admin.post('/tokens/regenerate', (_req, res) => {
    const refreshToken = tokens.regenerate();
    changed();
    res.json({ refreshToken });
  });
  admin.get('/faults', (_req, res) => void res.json({ api: faults, token: tokenFaults }));
  admin.post('/faults', (req, res) => {
    const b = (req.body ?? {}) as {
      count?: number;
      status?: number;
      retryAfterSeconds?: number;
      endpoint?: 'api' | 'token';
    };
    if (b.endpoint !== undefined && b.endpoint !== 'api' && b.endpoint !== 'token')
      return void res.status(400).json({ error: 'endpoint must be api or token' });
    const target = b.endpoint === 'token' ? tokenFaults : faults;
    target.count = b.count ?? 1;
    target.status = b.status ?? 503;
    target.retryAfterSeconds = b.retryAfterSeconds ?? 1;
    res.json({ endpoint: b.endpoint ?? 'api', ...target });
  });
  app.use('/__sim', admin);
  app.get(
    '/',
    (_req, res) => void res.json({ simulator: 'bs2', api: BS2_API_PREFIX, admin: '/__sim', today: clock.today() }),
  );

  let server: RunningServer;
  try {
    server = await listen(app, opts.port ?? 0, opts.host);
  } catch (e) {
    persistence?.flush();
    throw e;
  }
  const timer = opts.autoTickMs ? setInterval(() => void tick().catch(() => undefined), opts.autoTickMs) : undefined;
  timer?.unref();

  return {
    ...core,
    url: server.url,
    port: server.port,
    config,
    bank,
    tokens,
    async close() {
      if (timer) clearInterval(timer);
      held.forEach((t) => clearTimeout(t));
      held.clear();
      await idle();
      if (persistence) persistence.flush();
      await server.close();
    },
  };
}
