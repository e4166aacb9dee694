/** Itaú's environment variables (docs/banks/itau.md), merged into the configuration (src/config/index.ts). */
import { z } from 'zod';
import { mod10 } from '../../domain/check-digits';
import { accountId, bool, emptyAsUnset, fragment, optionalString, optionalUrl, port } from '../../config/fields';

export const ITAU_SETTINGS = fragment({
  shape: {
    /** The client id/secret given to Itaú with the notification subscription (Itaú fetches a token with them). */
    ITAU_WEBHOOK_CLIENT_ID: optionalString,
    ITAU_WEBHOOK_CLIENT_SECRET: optionalString,
    /** Itaú Cobrança/Bolecode (docs/banks/itau.md). Unset ITAU_CLIENT_ID = the embedded Itaú simulator. */
    ITAU_ACCOUNT_ID: accountId('itau-default'),
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
    ITAU_TOKEN_URL: optionalUrl(),
    ITAU_CASH_MANAGEMENT_URL: optionalUrl(),
    ITAU_CONSULTA_URL: optionalUrl(),
    ITAU_BOLETOS_V3_URL: optionalUrl(),
    ITAU_BOLECODE_URL: optionalUrl(),
    ITAU_CERT_REQUEST_URL: optionalUrl(),
    ITAU_CERT_RENEWAL_URL: optionalUrl(),
    /** [U] renewal needs `x-itau-force-cert: true` (the /v2/ renewal path). */
    ITAU_CERT_RENEWAL_FORCE_HEADER: bool(false),
    /** production: Itaú's real URLs for onboarded accounts even without an ITAU_CLIENT_ID account (default: simulator unless ITAU_CLIENT_ID). */
    ITAU_ENVIRONMENT: emptyAsUnset(z.enum(['simulator', 'production'])),
    /** [U] where bolecodes are registered: pix_recebimentos_conciliacoes v2 `/boletos_pix` (every public client found), recebimentos-pix v1 `/boletos-pix` or cash_management `boleto_pix`. */
    ITAU_BOLECODE_API: z.enum(['pix_recebimentos_conciliacoes', 'recebimentos_pix', 'cash_management']).default('pix_recebimentos_conciliacoes'),
    ITAU_BOLECODE_CONCILIACOES_URL: optionalUrl(),
    /** [U] Pix API base (regulatório Pix v2; older clients: https://secure.api.itau/pix_recebimentos/v2) for a bolecode's Pix charge. */
    ITAU_PIX_URL: optionalUrl(),
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
    SIM_ITAU_WEBHOOK_URL: optionalUrl(),
    SIM_ITAU_WEBHOOK_OAUTH_URL: optionalUrl(),
    SIM_ITAU_WEBHOOK_CLIENT_ID: z.string().trim().min(1).default('sim-itau-webhook'),
    SIM_ITAU_WEBHOOK_CLIENT_SECRET: z.string().trim().min(1).default('sim-itau-webhook-secret'),
    SIM_ITAU_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  },
  check(c, ctx) {
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
  },
});
