/** Banco BS2's environment variables (docs/banks/bs2.md), merged into the configuration (src/config/index.ts). */
import { z } from 'zod';
import { accountId, bool, emptyAsUnset, fragment, optionalString, optionalUrl, port } from '../../config/fields';

export const BS2_SETTINGS = fragment({
  shape: {
    BS2_ACCOUNT_ID: accountId('bs2-default').describe(
      "id of the environment's BS2 account (its token keeper workflow is `bs2-token-keeper:<id>`)",
    ),
    BS2_BASE_URL: optionalUrl('must be an absolute URL, e.g. https://api.bs2.com').describe(
      'real BS2, e.g. `https://api.bs2.com`; unset = the embedded BS2 simulator with its seeded app. Set alone, BS2 accounts come from onboarding only; with an environment account, `BS2_API_KEY`, `BS2_API_SECRET`, `BS2_SCOPE` and `BS2_REFRESH_TOKEN` are required too (from BS2 Empresas → API Banking → Aplicações)',
    ),
    BS2_API_KEY: optionalString.describe("the environment BS2 account's app key (with `BS2_BASE_URL`)"),
    BS2_API_SECRET: optionalString.describe("the environment BS2 account's app secret (with `BS2_BASE_URL`)"),
    BS2_SCOPE: optionalString.describe("the OAuth scope of the environment BS2 account's app (with `BS2_BASE_URL`)"),
    BS2_REFRESH_TOKEN: optionalString.describe(
      'the refresh token shown in BS2 Empresas; used once, then the token keeper workflow owns the rotation',
    ),
    BS2_USER_AGENT: optionalString.describe(
      'the production User-Agent code BS2 gives each client; unset = `boletoflow/<version>`',
    ),
    BS2_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(15_000)
      .describe('per-request timeout of BS2 calls'),
    BS2_REGISTER_API: z
      .enum(['v1', 'v2'])
      .default('v2')
      .describe('`v1` or `v2` (`beneficiarioFinal`) registration route'),
    BS2_DUE_DATE_PATH: emptyAsUnset(
      z
        .string()
        .trim()
        .regex(/^\/.*\{id\}/, 'must be a path containing {id}'),
    ).describe(
      '[U] new-due-date request path, `{id}` = boleto id or nossoNumero (the simulator follows it too); unset = `/pj/forintegration/cobranca/v1/boletos/{id}/solicitacoes/vencimentos`',
    ),
    BS2_SEARCH_FIRST_PAGE: z.coerce
      .number()
      .int()
      .min(0)
      .max(1)
      .default(1)
      .describe('[U] number of the first search page (`inicio`)'),
    BS2_WEBHOOK_AUTHORIZATION: optionalString.describe(
      'exact `Authorization` header BS2 must send on webhooks (Basic/Bearer agreed with BS2). Unset: they are unauthenticated hints (the workflow asks the bank), answered `200 {received}` alike for known and unknown boletos, merged per boleto (one bank look-up per 10 s) and rate-limited per source address',
    ),
    BS2_WEBHOOK_UNSIGNED_PER_MINUTE: z.coerce
      .number({ error: 'must be a number' })
      .int()
      .min(1)
      .max(1_000_000)
      .default(300)
      .describe(
        'unauthenticated webhooks (BS2 without Authorization, and Itaú Pix: `/webhooks/itau/<account>/pix`) accepted per minute per source address, one budget (then 429 with `Retry-After`)',
      ),
    BS2_MIN_AMOUNT_CENTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(9_999_999_999)
      .default(500)
      .describe(
        '[3P] BS2\'s smallest boleto in cents ("valor inferior a R$ 5,00"): below it, 422 `bank-would-refuse` before any bank call (docs/banks/bs2.md)',
      ),
    BS2_MAX_AMOUNT_CENTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(9_999_999_999)
      .default(50_000_000)
      .describe(
        '[3P] BS2\'s largest boleto in cents ("superior a R$ 500.000,00"): above it, 422 before any bank call; at least `BS2_MIN_AMOUNT_CENTS`',
      ),
    BS2_ALPHANUMERIC_CNPJ: bool(false).describe(
      '[U] BS2 registers payers with an alphanumeric CNPJ; off: 422 before any bank call',
    ),
    SIM_BS2_PORT: port(4218).describe("the BS2 simulator's port"),
    SIM_BS2_WEBHOOK_URL: optionalUrl().describe(
      "where the BS2 simulator posts notifications; unset = this API's `http://127.0.0.1:<API_PORT>/webhooks/bs2/<BS2_ACCOUNT_ID>`",
    ),
    SIM_BS2_ACCESS_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(300)
      .describe("the BS2 simulator's access-token lifetime"),
    SIM_BS2_REFRESH_TOKEN_TTL_HOURS: z.coerce
      .number()
      .min(0.01)
      .max(100_000)
      .default(48)
      .describe(
        "the BS2 simulator's refresh-token lifetime (moving its clock further past the last refresh expires the token, as at BS2)",
      ),
  },
  check(c, ctx) {
    if (c.BS2_MIN_AMOUNT_CENTS > c.BS2_MAX_AMOUNT_CENTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['BS2_MAX_AMOUNT_CENTS'],
        message: `must be at least BS2_MIN_AMOUNT_CENTS (${c.BS2_MIN_AMOUNT_CENTS})`,
      });
    }
    // BS2_BASE_URL alone: real BS2, accounts come from onboarding. With an environment account, all four are needed.
    const bs2App = ['BS2_API_KEY', 'BS2_API_SECRET', 'BS2_SCOPE', 'BS2_REFRESH_TOKEN'] as const;
    if (c.BS2_BASE_URL !== undefined && bs2App.some((k) => c[k] !== undefined)) {
      for (const k of bs2App) {
        if (c[k] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message:
              'required with BS2_BASE_URL and the other BS2 app credentials (from BS2 Empresas); leave all four unset to use onboarded accounts only',
          });
      }
    }
  },
});
