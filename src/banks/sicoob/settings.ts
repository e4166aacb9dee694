/** Sicoob's environment variables (docs/banks/sicoob.md), merged into the configuration (src/config/index.ts). */
import { z } from 'zod';
import { accountId, bool, emptyAsUnset, fragment, optionalString, optionalUrl, port } from '../../config/fields';

const digits = (max: number, what: string) =>
  emptyAsUnset(
    z
      .string()
      .trim()
      .regex(new RegExp(`^\\d{1,${max}}$`), `must be ${what} (up to ${max} digits)`),
  );

export const SICOOB_SETTINGS = fragment({
  shape: {
    SICOOB_ACCOUNT_ID: accountId('sicoob-default').describe("id of the environment's Sicoob account"),
    SICOOB_CLIENT_ID: optionalString.describe(
      'real Sicoob: the client_id of the app in the Sicoob developer portal; then `SICOOB_CERT_PATH`, `SICOOB_KEY_PATH`, `SICOOB_NUMERO_CLIENTE` and `SICOOB_COOPERATIVA` are required. Unset = the embedded Sicoob simulator',
    ),
    SICOOB_CERT_PATH: optionalString.describe(
      'the certificate registered for the app (PEM; mutual TLS on the token and API hosts)',
    ),
    SICOOB_KEY_PATH: optionalString.describe("the certificate's private key, PEM (with `SICOOB_CLIENT_ID`)"),
    SICOOB_CA_PATH: optionalString.describe("CA bundle for Sicoob's servers, if needed"),
    SICOOB_NUMERO_CLIENTE: digits(9, 'the numeroCliente').describe(
      "`numeroCliente`: the beneficiary's cobrança contract in the Sisbr (the cooperative tells it)",
    ),
    SICOOB_COOPERATIVA: digits(4, 'the cooperativa').describe('the cooperativa (agência), 4 digits'),
    SICOOB_CONTA_CORRENTE: z
      .string()
      .trim()
      .regex(/^\d{1,9}$/, 'must be the conta corrente (up to 9 digits)')
      .default('0')
      .describe(
        "`numeroContaCorrente` sent with each boleto of the environment's account (an onboarded account sends its account data's account + digit); `0` = the contract's account [U]",
      ),
    SICOOB_CODIGO_CLIENTE: digits(7, 'the código do cliente').describe(
      '[U] the código do cliente with its DV as the campo livre carries it (the nosso-número DV is computed over it); unset = `SICOOB_NUMERO_CLIENTE` zero-padded to 7 digits',
    ),
    SICOOB_MODALIDADE: z.coerce
      .number()
      .int()
      .min(1)
      .max(99)
      .default(1)
      .describe('`codigoModalidade` (1 = simples com registro)'),
    SICOOB_NOSSO_NUMERO_FIRST: z.coerce
      .number()
      .int()
      .min(0)
      .max(9_999_999)
      .default(1)
      .describe('[U] first number of the `faixas-nosso-numero` range this installation uses (without DV)'),
    SICOOB_NOSSO_NUMERO_LAST: z.coerce
      .number()
      .int()
      .min(0)
      .max(9_999_999)
      .default(999_999)
      .describe('[U] last number of that range (without DV); at least `SICOOB_NOSSO_NUMERO_FIRST`'),
    SICOOB_NOSSO_NUMERO_DV: bool(true).describe(
      '[U] the range\'s `validaDigitoVerificadorNossoNumero`: on, we append the DV ("constante 3197") to each number (n·10 + DV); off, the numbers are sent as they are',
    ),
    SICOOB_SCOPE: z
      .string()
      .trim()
      .min(1)
      .default(
        'boletos_inclusao boletos_consulta boletos_alteracao webhooks_inclusao webhooks_consulta webhooks_alteracao',
      )
      .describe('[3P] scopes asked with the token (the OpenAPI lists cco_* only; public clients ask for these)'),
    SICOOB_SEND_CLIENT_ID_HEADER: bool(true).describe('[3P] send the `client_id` header on every API call'),
    SICOOB_TOKEN_URL: optionalUrl().describe(
      '[C] token endpoint; unset = `https://auth.sicoob.com.br/auth/realms/cooperado/protocol/openid-connect/token`, or the simulator',
    ),
    SICOOB_API_URL: optionalUrl().describe(
      '[C] Cobrança Bancária v3 base; unset = `https://api.sicoob.com.br/cobranca-bancaria/v3`, or the simulator',
    ),
    SICOOB_ENVIRONMENT: emptyAsUnset(z.enum(['simulator', 'production'])).describe(
      "`production`: onboarded Sicoob accounts use Sicoob's URLs even with no environment account; unset = the simulator unless `SICOOB_CLIENT_ID` is set",
    ),
    SICOOB_WEBHOOK_AUTHORIZATION: optionalString.describe(
      "[U] exact `Authorization` header expected on Sicoob notifications (Sicoob documents no authentication): set, a notification without it is refused (401) and one with it makes the boleto's workflow re-query; unset, each notification is an unauthenticated hint (rate-limited, merged per boleto, checked with the bank)",
    ),
    SICOOB_WEBHOOK_WATCH_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .default(86_400)
      .describe(
        "how often an onboarded Sicoob account's webhook registration is checked once ACTIVE (Inativo → reactivated, a missing or moved one registered again)",
      ),
    SICOOB_WEBHOOK_VALIDATION_TIMEOUT_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .default(172_800)
      .describe(
        '[U] how long a Sicoob webhook may stay `1 - Aguardando validação` before the onboarding is escalated (Stalled); Sicoob does not document how long validation takes',
      ),
    SICOOB_UNKNOWN_BOLETO: z
      .enum(['204', '400'])
      .default('204')
      .describe(
        '[U] what the consulta answers for a boleto Sicoob does not know: 204 (the document lists it) or 400 `MensagensErro` (then a 400 on a look-up reads as "not found")',
      ),
    SICOOB_ALPHANUMERIC_CNPJ: bool(false).describe(
      '[U] Sicoob registers payers with an alphanumeric CNPJ; off: 422 before any bank call',
    ),
    SICOOB_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(15_000)
      .describe('per-request timeout of Sicoob calls'),
    SICOOB_MOVEMENT_POLL_MINUTES: z.coerce
      .number()
      .int()
      .min(0)
      .max(1440)
      .default(60)
      .describe(
        "minutes between rounds of each Sicoob account's movement poll (movimentações tipos 5 liquidação and 6 baixa: how boletos get paid, settled and written off without webhooks); 0 = off",
      ),
    SICOOB_MOVEMENT_MAX_DAYS: z.coerce
      .number()
      .int()
      .min(0)
      .max(31)
      .default(2)
      .describe(
        '[U] the longest movement window Sicoob accepts, as `dataFinal − dataInicial` in days ("As consultas estão limitadas em um período máximo de 2 dias"; a public client asks for 26 → 28)',
      ),
    SICOOB_MOVEMENT_WAIT_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(720)
      .default(30)
      .describe(
        "[U] how long the movement poll waits for a request's files before it gives the window up until its next round",
      ),
    SICOOB_MOVEMENT_LOOKBACK_DAYS: z.coerce
      .number()
      .int()
      .min(0)
      .max(60)
      .default(2)
      .describe("days before today an account's movement poll scans from when it first starts"),
    SIM_SICOOB_PORT: port(4756).describe("the Sicoob simulator's mutual-TLS listener (token + API)"),
    SIM_SICOOB_PUBLIC_PORT: port(4757).describe("the Sicoob simulator's TLS-only listener (`/__sim` admin)"),
    SIM_SICOOB_WEBHOOK_URL: optionalUrl().describe(
      "where the Sicoob simulator's webhook (type 7) of the default account points; unset = this API's `http://127.0.0.1:<API_PORT>/webhooks/sicoob/<SICOOB_ACCOUNT_ID>`",
    ),
  },
  check(c, ctx) {
    if (c.SICOOB_CLIENT_ID !== undefined) {
      for (const k of ['SICOOB_CERT_PATH', 'SICOOB_KEY_PATH', 'SICOOB_NUMERO_CLIENTE', 'SICOOB_COOPERATIVA'] as const) {
        if (c[k] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: 'required with SICOOB_CLIENT_ID (the certificate and the cobrança contract)',
          });
      }
    }
    if (c.SICOOB_NOSSO_NUMERO_FIRST > c.SICOOB_NOSSO_NUMERO_LAST)
      ctx.addIssue({
        code: 'custom',
        path: ['SICOOB_NOSSO_NUMERO_LAST'],
        message: `must be at least SICOOB_NOSSO_NUMERO_FIRST (${c.SICOOB_NOSSO_NUMERO_FIRST})`,
      });
  },
});
