/** Itaú's environment variables (docs/banks/itau.md), merged into the configuration (src/config/index.ts). */
import { z } from 'zod';
import { mod10 } from '../../domain/check-digits';
import { accountId, bool, emptyAsUnset, fragment, optionalString, optionalUrl, port } from '../../config/fields';

export const ITAU_SETTINGS = fragment({
  shape: {
    ITAU_WEBHOOK_CLIENT_ID: optionalString.describe(
      'the client id given to Itaú with the notification subscription: what Itaú uses to get a token before notifying us; unset while Itaú is simulated = `SIM_ITAU_WEBHOOK_CLIENT_ID`',
    ),
    ITAU_WEBHOOK_CLIENT_SECRET: optionalString.describe(
      'the client secret that goes with `ITAU_WEBHOOK_CLIENT_ID`; unset while Itaú is simulated = `SIM_ITAU_WEBHOOK_CLIENT_SECRET`',
    ),
    ITAU_ACCOUNT_ID: accountId('itau-default').describe("id of the environment's Itaú account"),
    ITAU_CLIENT_ID: optionalString
      .pipe(
        z
          .string()
          .regex(
            /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
            'must be the client_id UUID Itaú sent',
          )
          .optional(),
      )
      .describe(
        'real Itaú: the client_id (= `x-itau-apikey`, a UUID) Itaú sent with the temporary token; then `ITAU_CLIENT_SECRET`, `ITAU_CERT_PATH`, `ITAU_KEY_PATH` and `ITAU_ID_BENEFICIARIO` are required. Unset = the embedded Itaú simulator',
      ),
    ITAU_CLIENT_SECRET: optionalString.describe('the client secret that goes with `ITAU_CLIENT_ID`'),
    ITAU_CERT_PATH: optionalString.describe('the certificado dinâmico: PEM certificate (with `ITAU_CLIENT_ID`)'),
    ITAU_KEY_PATH: optionalString.describe("the certificado dinâmico's private key, PEM (with `ITAU_CLIENT_ID`)"),
    ITAU_CA_PATH: optionalString.describe("CA bundle for Itaú's servers, if needed"),
    ITAU_ID_BENEFICIARIO: optionalString
      .pipe(
        z
          .string()
          .regex(/^\d{4}00\d{6}$/, 'must be 12 digits: agência(4) + 00 + conta(5) + DAC(1)')
          .optional(),
      )
      .describe('agência (4) + `00` + conta (5) + DAC (1), e.g. `150000052061`; the DAC is checked'),
    ITAU_CARTEIRA: z
      .string()
      .trim()
      .regex(/^\d{3}$/, 'must be 3 digits, e.g. 109')
      .default('109')
      .describe('carteira (3 digits)'),
    ITAU_PIX_KEY: optionalString.describe("the beneficiary's Pix key (DICT) for bolecodes"),
    ITAU_TOKEN_URL: optionalUrl().describe(
      '[U] token endpoint; unset = the production host of bank-apis.md §2.1, or the simulator',
    ),
    ITAU_CASH_MANAGEMENT_URL: optionalUrl().describe(
      '[U] cash_management endpoint; unset = the production host, or the simulator',
    ),
    ITAU_CONSULTA_URL: optionalUrl().describe(
      '[U] consulta (boletoscash) endpoint; unset = the production host, or the simulator',
    ),
    ITAU_BOLETOS_V3_URL: optionalUrl().describe(
      '[U] Boletos v3 (notification subscriptions) endpoint; unset = the production host, or the simulator',
    ),
    ITAU_BOLECODE_URL: optionalUrl().describe(
      '[U] recebimentos-pix bolecode endpoint; unset = the production host, or the simulator',
    ),
    ITAU_CERT_REQUEST_URL: optionalUrl().describe(
      '[U] certificate request endpoint; unset = the production host, or the simulator',
    ),
    ITAU_CERT_RENEWAL_URL: optionalUrl().describe(
      '[U] certificate renewal endpoint; unset = the production host, or the simulator',
    ),
    ITAU_CERT_RENEWAL_FORCE_HEADER: bool(false).describe(
      '[U] renewal needs `x-itau-force-cert: true` (the /v2/ renewal path)',
    ),
    ITAU_ENVIRONMENT: emptyAsUnset(z.enum(['simulator', 'production'])).describe(
      "`production`: onboarded Itaú accounts use Itaú's URLs even with no environment account; unset = the simulator unless `ITAU_CLIENT_ID` is set",
    ),
    ITAU_BOLECODE_API: z
      .enum(['pix_recebimentos_conciliacoes', 'recebimentos_pix', 'cash_management'])
      .default('pix_recebimentos_conciliacoes')
      .describe(
        '[U] where bolecodes are registered: pix_recebimentos_conciliacoes v2 `/boletos_pix` (every public client found), recebimentos-pix v1 `/boletos-pix` or cash_management `boleto_pix` (docs/banks/itau.md)',
      ),
    ITAU_BOLECODE_CONCILIACOES_URL: optionalUrl().describe(
      '[U] pix_recebimentos_conciliacoes endpoint; unset = the production host, or the simulator',
    ),
    ITAU_PIX_URL: optionalUrl().describe(
      "[U] Pix API base for a bolecode's Pix charge (regulatório Pix v2; older clients: `https://secure.api.itau/pix_recebimentos/v2`); unset = the production host, or the simulator",
    ),
    ITAU_INSTRUCTION_BODY: z
      .enum(['flat', 'data'])
      .default('flat')
      .describe("[U] PATCH instruction bodies flat (Itaú's OpenAPI examples, public clients) or wrapped in `{data}`"),
    ITAU_PAYER_ACCENTS: z
      .enum(['keep', 'strip'])
      .default('keep')
      .describe('[U] accents in payer text sent to Itaú: kept (its patterns list them) or stripped'),
    ITAU_BAIXADA_WITH_PAYMENT: z
      .enum(['SETTLED_IF_PIX', 'SETTLED', 'PAID'])
      .default('SETTLED_IF_PIX')
      .describe(
        '[U] a boleto `Baixado` after a payment: SETTLED when paid by Pix (credited at once), always SETTLED, or PAID',
      ),
    ITAU_AMOUNT_FORMAT: z
      .enum(['implied', 'decimal'])
      .default('implied')
      .describe(
        '[U] amounts sent to cash_management and `/boletos_pix` as 17-digit implied decimals (cash_management examples) or `"123.45"`',
      ),
    ITAU_ALPHANUMERIC_CNPJ: bool(false).describe(
      '[U] Itaú registers payers with an alphanumeric CNPJ (its OpenAPI says `^\\d{14}$`); off: 422 before any bank call (docs/banks/itau.md)',
    ),
    ITAU_TXID_NOSSO_NUMERO_WIDTH: z.coerce
      .number()
      .int()
      .min(8)
      .max(20)
      .default(15)
      .describe('[U] nosso-número width inside the bolecode txid (15 → 31 characters; the OpenAPI regex implies 17)'),
    ITAU_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(15_000)
      .describe('per-request timeout of Itaú calls'),
    SIM_ITAU_PORT: port(4341).describe("the Itaú simulator's mutual-TLS API listener"),
    SIM_ITAU_PUBLIC_PORT: port(4342).describe(
      "the Itaú simulator's TLS-only listener (certificate request, `/__sim` admin)",
    ),
    SIM_ITAU_WEBHOOK_URL: optionalUrl().describe(
      "where the Itaú simulator delivers notifications; unset = this API's `http://127.0.0.1:<API_PORT>/webhooks/itau/<ITAU_ACCOUNT_ID>`",
    ),
    SIM_ITAU_WEBHOOK_OAUTH_URL: optionalUrl().describe(
      'where the Itaú simulator gets its client_credentials token before delivering; unset = `<SIM_ITAU_WEBHOOK_URL>/oauth/token`',
    ),
    SIM_ITAU_WEBHOOK_CLIENT_ID: z
      .string()
      .trim()
      .min(1)
      .default('sim-itau-webhook')
      .describe('the client id the Itaú simulator presents there (Basic)'),
    SIM_ITAU_WEBHOOK_CLIENT_SECRET: z
      .string()
      .trim()
      .min(1)
      .default('sim-itau-webhook-secret')
      .describe('the client secret the Itaú simulator presents there (Basic)'),
    SIM_ITAU_ACCESS_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(300)
      .describe("the Itaú simulator's access-token lifetime"),
  },
  check(c, ctx) {
    if (c.ITAU_CLIENT_ID !== undefined) {
      for (const k of ['ITAU_CLIENT_SECRET', 'ITAU_CERT_PATH', 'ITAU_KEY_PATH', 'ITAU_ID_BENEFICIARIO'] as const) {
        if (c[k] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: 'required with ITAU_CLIENT_ID (the certificado dinâmico and the account)',
          });
      }
    }
    if (c.ITAU_ID_BENEFICIARIO !== undefined) {
      const id = c.ITAU_ID_BENEFICIARIO;
      if (mod10(id.slice(0, 4) + id.slice(6, 11)) !== Number(id[11])) {
        ctx.addIssue({
          code: 'custom',
          path: ['ITAU_ID_BENEFICIARIO'],
          message: `the last digit (DAC) is ${id[11]}, expected ${mod10(id.slice(0, 4) + id.slice(6, 11))}`,
        });
      }
    }
  },
});
