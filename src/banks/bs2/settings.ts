/** Banco BS2's environment variables (docs/banks/bs2.md), merged into the configuration (src/config/index.ts). */
import { z } from 'zod';
import { accountId, bool, emptyAsUnset, fragment, optionalString, optionalUrl, port } from '../../config/fields';

export const BS2_SETTINGS = fragment({
  shape: {
    /** Banco BS2 (docs/banks/bs2.md). Unset BS2_BASE_URL = the embedded BS2 simulator with its seeded app. */
    BS2_ACCOUNT_ID: accountId('bs2-default'),
    BS2_BASE_URL: optionalUrl('must be an absolute URL, e.g. https://api.bs2.com'),
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
    BS2_DUE_DATE_PATH: emptyAsUnset(z.string().trim().regex(/^\/.*\{id\}/, 'must be a path containing {id}')),
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
    SIM_BS2_PORT: port(4218),
    /** Where the BS2 simulator posts webhooks (default: this API's /webhooks/bs2/<BS2_ACCOUNT_ID>). */
    SIM_BS2_WEBHOOK_URL: optionalUrl(),
    SIM_BS2_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    SIM_BS2_REFRESH_TOKEN_TTL_HOURS: z.coerce.number().min(0.01).max(100_000).default(48),
  },
  check(c, ctx) {
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
  },
});
