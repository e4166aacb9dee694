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
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    /** Where state lives when running the embedded default (dev server SQLite file, pid lock). */
    DATA_DIR: z.string().trim().min(1).default('.data'),

    /**
     * The records store (PostgreSQL), e.g. postgres://boletoflow:secret@db.example.com:5432/boletoflow. Unset = the
     * embedded default: `npm start` runs PGlite (WASM Postgres) with its data in DATA_DIR/records, on RECORDS_PORT.
     */
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .refine(isPostgresUrl, 'must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/db')
        .optional(),
    ),
    /** The embedded records store (PGlite served over the Postgres protocol) listens here (ignored with DATABASE_URL). */
    RECORDS_HOST: z.string().trim().min(1).default('127.0.0.1'),
    RECORDS_PORT: port(7235),
    /**
     * Boleto records are kept until an explicit purge (`npm run records -- purge`), which removes boletos that reached
     * a final status more than this many years ago. Unset = keep forever (purge refuses to run).
     */
    RECORDS_RETENTION_YEARS: z.coerce.number({ error: 'must be a number of years' }).int('must be whole years').min(1, 'must be at least 1 year').max(100).optional(),
    /** Period of the drift repair (Temporal Schedule comparing the records store with the boleto workflows). */
    RECORDS_RECONCILE_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).int().min(1).max(1440).default(10),

    /** Set to use an external Temporal cluster; unset = start the embedded dev server. */
    TEMPORAL_ADDRESS: hostPort.optional().or(z.literal('').transform(() => undefined)),
    TEMPORAL_NAMESPACE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/, 'must be a Temporal namespace name (letters, digits, . _ -)')
      .default('boletoflow'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('boletoflow'),
    /** Days Temporal keeps closed workflows' histories (src/temporal/retention.ts): embedded server and temporal:setup alike. */
    TEMPORAL_RETENTION_DAYS: z.coerce.number({ error: 'must be a number of days' }).int('must be whole days').min(1, 'must be at least 1 day (Temporal’s minimum)').max(3650).default(30),
    /** TLS to the cluster: on when a client certificate or API key is given, or when forced here. */
    TEMPORAL_TLS: bool(false),
    TEMPORAL_TLS_CERT_PATH: optionalString,
    TEMPORAL_TLS_KEY_PATH: optionalString,
    TEMPORAL_TLS_CA_PATH: optionalString,
    TEMPORAL_TLS_SERVER_NAME: optionalString,
    /** Temporal Cloud API key (sent as a bearer token; implies TLS). */
    TEMPORAL_API_KEY: optionalString,

    /** The `temporal` CLI that runs the embedded dev server (default: the one scripts/temporal-bin.sh provides). */
    TEMPORAL_CLI_PATH: optionalString,
    /** Embedded dev server ports (ignored with TEMPORAL_ADDRESS). */
    TEMPORAL_PORT: port(7233),
    TEMPORAL_UI_PORT: port(8233),
    /** IP the embedded server and UI bind to. */
    TEMPORAL_IP: z.string().trim().default('127.0.0.1'),

    API_HOST: z.string().trim().default('0.0.0.0'),
    API_PORT: port(3000),
    /** Requests per minute allowed per API key (authenticated routes). */
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /**
     * How long the API keeps using its last good copy of the API keys while the access registry cannot answer (every
     * worker restarting). A revoked key then works for up to this + the cache's 5 s TTL; 0 = never past the TTL.
     */
    API_KEY_GRACE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int().min(0).max(86_400).default(300),
    /**
     * Tenant webhook targets allowed although not public (src/access/webhook-targets.ts): host names, IPs, CIDR ranges,
     * comma-separated. Default none: loopback, private, link-local (metadata) and other non-public addresses are refused.
     */
    WEBHOOK_ALLOWED_HOSTS: commaList(z.string().refine((v) => allowEntryProblem(v) === undefined, 'each entry must be a host name, IP address or CIDR range (e.g. localhost, 10.0.0.5, 10.0.0.0/8)')),
    /** Largest accepted JSON body, e.g. 256kb or 1mb. */
    API_BODY_LIMIT: z.string().trim().regex(/^\d+(b|kb|mb)$/i, 'must be a size like 256kb or 1mb').default('256kb'),
    /** How the banner and docs refer to this API (no trailing slash). */
    PUBLIC_BASE_URL: z.url({ error: 'must be an absolute URL, e.g. https://boletos.example.com' }).optional(),

    /**
     * Codec endpoint for the Temporal Web UI and CLI (/codec): browser origins of the Web UI allowed to call it with
     * credentials (CORS), comma-separated; default the embedded UI, http://localhost:<TEMPORAL_UI_PORT> and 127.0.0.1.
     */
    CODEC_CORS_ORIGINS: commaList(z.string().refine(isOrigin, 'each entry must be an origin like https://temporal.example.com (scheme, host and port only)')),
    /** Tenants whose operator keys may use the codec endpoint (it decrypts every tenant's payloads): ids or `*`. Default ACCOUNTS_TENANT_ID. */
    CODEC_TENANTS: commaList(z.string().regex(/^\*$|^[a-z0-9][a-z0-9-]{1,62}$/, 'each entry must be a tenant id or *')),
    /** Lifetime of a codec login session (the browser cookie set by /codec/login). */
    CODEC_SESSION_HOURS: z.coerce.number({ error: 'must be a number of hours' }).min(0.01).max(720).default(8),

    /**
     * AES-256-GCM keys for the payload codec that encrypts workflow history: `id:base64(32 bytes)`, comma-separated,
     * the first encrypts, all decrypt (rotation). Required with an external cluster; the embedded default keeps a
     * generated key in DATA_DIR/payload-keys.
     */
    PAYLOAD_ENCRYPTION_KEYS: optionalString.superRefine((v, ctx) => {
      if (v === undefined) return;
      try {
        parsePayloadKeys(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),

    /** Tenant owning the bank accounts configured in this environment (until onboarding assigns accounts). */
    ACCOUNTS_TENANT_ID: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a tenant id (lowercase letters, digits, -)').default('demo'),
    /** Beneficiary printed on boleto PDFs for the environment's accounts. */
    BENEFICIARY_NAME: z.string().trim().min(1).default('Empresa Demonstração Ltda'),
    BENEFICIARY_DOCUMENT: z.string().trim().min(11).default('11222333000181'),
    /** Days after the due date when an unpaid boleto is written off (BS2: payable up to 60 days after). */
    BOLETO_EXPIRE_AFTER_DAYS: z.coerce.number().int().min(1).max(3650).default(60),
    /** Poll the bank every N days while open before the due date (0 = only around the due date). */
    BOLETO_POLL_OPEN_EVERY_DAYS: z.coerce.number().int().min(0).max(365).default(7),
    /** Poll every N days while overdue, until write-off. */
    BOLETO_POLL_OVERDUE_EVERY_DAYS: z.coerce.number().int().min(1).max(365).default(1),
    /** After a final status, keep the workflow open N days for notification resends. */
    BOLETO_CLOSE_AFTER_DAYS: z.coerce.number().int().min(0).max(365).default(7),
    /** The client id/secret given to Itaú with the notification subscription (Itaú fetches a token with them). */
    ITAU_WEBHOOK_CLIENT_ID: optionalString,
    ITAU_WEBHOOK_CLIENT_SECRET: optionalString,
    /** POST /v1/boletos waits this long for the bank's verdict before answering 202. */
    BOLETO_REGISTER_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),

    /** Worker: Prometheus endpoint of the Temporal runtime (SDK + custom metrics) on this port; 0 = off. */
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),

    /**
     * Worker: how many workflows it keeps in memory between their tasks. A boleto's next task usually comes days
     * later, so the SDK's default (sized from the heap: ~2,300 on a 4 GB heap) mostly costs heap and GC: in the
     * 600 s bench 600 gave p99 133 ms at 10/s (2,300: 236 ms), 0.59 instead of 0.66 worker cores, 0.9 instead of
     * 1.4 GB. The hot ones (registry, token keeper, boletos between registration and its notification) stay in.
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(600),

    /** Worker: seconds to let running activities finish on shutdown before they are cancelled. */
    WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(10),

    /** Banco BS2 (docs/banks/bs2.md). Unset BS2_BASE_URL = the embedded BS2 simulator with its seeded app. */
    BS2_ACCOUNT_ID: z.string().trim().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be letters, digits, . _ - (max 64)').default('bs2-default'),
    BS2_BASE_URL: z.url({ error: 'must be an absolute URL, e.g. https://api.bs2.com' }).optional().or(z.literal('').transform(() => undefined)),
    BS2_API_KEY: optionalString,
    BS2_API_SECRET: optionalString,
    BS2_SCOPE: optionalString,
    /** The refresh token shown in BS2 Empresas; used once, then the token keeper workflow owns the rotation. */
    BS2_REFRESH_TOKEN: optionalString,
    /** The production User-Agent code BS2 gives each client. */
    BS2_USER_AGENT: optionalString,
    BS2_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    BS2_REGISTER_API: z.enum(['v1', 'v2']).default('v2'),
    /** [U] new-due-date request path, `{id}` = boleto id or nossoNumero. */
    BS2_DUE_DATE_PATH: z.string().trim().regex(/^\/.*\{id\}/, 'must be a path containing {id}').optional().or(z.literal('').transform(() => undefined)),
    /** [U] number of the first search page (`inicio`). */
    BS2_SEARCH_FIRST_PAGE: z.coerce.number().int().min(0).max(1).default(1),
    /** Exact Authorization header BS2 must send on webhooks (Basic/Bearer agreed with BS2), if any. */
    BS2_WEBHOOK_AUTHORIZATION: optionalString,
    /** Without it, webhooks are unauthenticated hints: at most this many per minute per source address (then 429). */
    BS2_WEBHOOK_UNSIGNED_PER_MINUTE: z.coerce.number({ error: 'must be a number' }).int().min(1).max(1_000_000).default(300),
    /** [3P] BS2's smallest and largest boleto in cents ("valor inferior a R$ 5,00" / "superior a R$ 500.000,00"): refused with 422 before any bank call. */
    BS2_MIN_AMOUNT_CENTS: z.coerce.number().int().min(1).max(9_999_999_999).default(500),
    BS2_MAX_AMOUNT_CENTS: z.coerce.number().int().min(1).max(9_999_999_999).default(50_000_000),
    /** [U] BS2 registers payers with an alphanumeric CNPJ (off: refused with 422 before any bank call). */
    BS2_ALPHANUMERIC_CNPJ: bool(false),

    /** Bank simulators run by `npm start` (src/simulators/main.ts). */
    SIMULATORS_ENABLED: bool(true),
    SIM_HOST: z.string().trim().default('127.0.0.1'),
    SIM_BS2_PORT: port(4218),
    /** Where the BS2 simulator posts webhooks (default: this API's /webhooks/bs2/<BS2_ACCOUNT_ID>). */
    SIM_BS2_WEBHOOK_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    SIM_BS2_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    SIM_BS2_REFRESH_TOKEN_TTL_HOURS: z.coerce.number().min(0.01).max(100_000).default(48),

    /** Itaú Cobrança/Bolecode (docs/banks/itau.md). Unset ITAU_CLIENT_ID = the embedded Itaú simulator. */
    ITAU_ACCOUNT_ID: z.string().trim().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be letters, digits, . _ - (max 64)').default('itau-default'),
    /** client_id (= x-itau-apikey) Itaú sent with the temporary token. */
    ITAU_CLIENT_ID: optionalString.pipe(z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be the client_id UUID Itaú sent').optional()),
    ITAU_CLIENT_SECRET: optionalString,
    /** The certificado dinâmico (PEM certificate and its private key) and, if needed, a CA bundle for Itaú's servers. */
    ITAU_CERT_PATH: optionalString,
    ITAU_KEY_PATH: optionalString,
    ITAU_CA_PATH: optionalString,
    /** agência(4) + conta(7, "00" + 5) + DAC(1), e.g. 150000052061 (the DAC is checked). */
    ITAU_ID_BENEFICIARIO: optionalString.pipe(z.string().regex(/^\d{4}00\d{6}$/, 'must be 12 digits: agência(4) + 00 + conta(5) + DAC(1)').optional()),
    ITAU_CARTEIRA: z.string().trim().regex(/^\d{3}$/, 'must be 3 digits, e.g. 109').default('109'),
    /** The beneficiary's Pix key (DICT) for bolecodes. */
    ITAU_PIX_KEY: optionalString,
    /** [U] endpoints per product (defaults: production hosts of bank-apis.md §2.1, or the simulator). */
    ITAU_TOKEN_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    ITAU_CASH_MANAGEMENT_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    ITAU_CONSULTA_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    ITAU_BOLETOS_V3_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    ITAU_BOLECODE_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    ITAU_CERT_REQUEST_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    ITAU_CERT_RENEWAL_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    /** [U] renewal needs `x-itau-force-cert: true` (the /v2/ renewal path). */
    ITAU_CERT_RENEWAL_FORCE_HEADER: bool(false),
    /** production: Itaú's real URLs for onboarded accounts even without an ITAU_CLIENT_ID account (default: simulator unless ITAU_CLIENT_ID). */
    ITAU_ENVIRONMENT: z.enum(['simulator', 'production']).optional().or(z.literal('').transform(() => undefined)),

    /** Onboarding (CS) timing: reminders and escalation while a step waits, and the certificate expiry reminder. */
    ONBOARDING_REMIND_AFTER_DAYS: z.coerce.number().min(0.01).max(365).default(5),
    ONBOARDING_ESCALATE_AFTER_DAYS: z.coerce.number().min(0.01).max(365).default(14),
    ONBOARDING_CERT_REMINDER_DAYS: z.coerce.number().int().min(1).max(180).default(30),
    /** Copied on the manager e-mail (the seed asks to copy CS and support). */
    ONBOARDING_SUPPORT_EMAIL: z.email({ error: 'must be an e-mail address' }).optional().or(z.literal('').transform(() => undefined)),
    /** [U] where bolecodes are registered: pix_recebimentos_conciliacoes v2 `/boletos_pix` (every public client found), recebimentos-pix v1 `/boletos-pix` or cash_management `boleto_pix`. */
    ITAU_BOLECODE_API: z.enum(['pix_recebimentos_conciliacoes', 'recebimentos_pix', 'cash_management']).default('pix_recebimentos_conciliacoes'),
    ITAU_BOLECODE_CONCILIACOES_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    /** [U] Pix API base (regulatório Pix v2; older clients: https://secure.api.itau/pix_recebimentos/v2) for a bolecode's Pix charge. */
    ITAU_PIX_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    /** [U] PATCH instruction bodies flat (Itaú's OpenAPI examples, public clients) or wrapped in `{data}`. */
    ITAU_INSTRUCTION_BODY: z.enum(['flat', 'data']).default('flat'),
    /** [U] accents in payer text sent to Itaú: kept (its patterns list them) or stripped. */
    ITAU_PAYER_ACCENTS: z.enum(['keep', 'strip']).default('keep'),
    /** [U] a boleto `Baixado` after a payment: SETTLED when paid by Pix (credited at once), always, or PAID. */
    ITAU_BAIXADA_WITH_PAYMENT: z.enum(['SETTLED_IF_PIX', 'SETTLED', 'PAID']).default('SETTLED_IF_PIX'),
    /** [U] amounts sent as 17-digit implied decimals (cash_management examples) or "123.45". */
    ITAU_AMOUNT_FORMAT: z.enum(['implied', 'decimal']).default('implied'),
    /** [U] Itaú registers payers with an alphanumeric CNPJ (its OpenAPI says `^\d{14}$`; off: refused with 422 before any bank call). */
    ITAU_ALPHANUMERIC_CNPJ: bool(false),
    /** [U] nosso-número width inside the bolecode txid (15 → 31 characters; the OpenAPI regex implies 17). */
    ITAU_TXID_NOSSO_NUMERO_WIDTH: z.coerce.number().int().min(8).max(20).default(15),
    ITAU_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
    /** Itaú simulator: mTLS API listener and TLS-only listener (certificate request, /__sim admin). */
    SIM_ITAU_PORT: port(4341),
    SIM_ITAU_PUBLIC_PORT: port(4342),
    /** Where the Itaú simulator delivers notifications, after a client_credentials token from SIM_ITAU_WEBHOOK_OAUTH_URL. */
    SIM_ITAU_WEBHOOK_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    SIM_ITAU_WEBHOOK_OAUTH_URL: z.url({ error: 'must be an absolute URL' }).optional().or(z.literal('').transform(() => undefined)),
    SIM_ITAU_WEBHOOK_CLIENT_ID: z.string().trim().min(1).default('sim-itau-webhook'),
    SIM_ITAU_WEBHOOK_CLIENT_SECRET: z.string().trim().min(1).default('sim-itau-webhook-secret'),
    SIM_ITAU_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
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
        '\n(see the Configuration section of the README)',
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
