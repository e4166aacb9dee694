/**
 * A BS2 account's token keeper, for operators of the tenant that owns the account: its status (why it is locked,
 * who last handed it a token) and the way out of a lock. BS2 rotates the refresh token on every use; when BS2
 * refuses it (a human pressed "Gerar novo token" in BS2 Empresas, or a rotation was lost) the keeper locks and
 * every boleto of the account waits. PUT hands the keeper the new refresh token and proves it with one refresh.
 * Audited: one log line per hand-over (who, which account, outcome; the log line's time), and the keeper keeps who
 * and when. The token itself goes only into the keeper's Update, encrypted by the payload codec: it is never logged,
 * echoed in an error, nor returned.
 */
import type { Response } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Principal } from '../../api/auth';
import { sendProblem } from '../../api/problem';
import { type ApiRoute, defineRoute } from '../../api/route';
import { instant } from '../../api/schemas/time';
import { ownBankAccount } from '../tenant-account';
import type { BankApiDeps, ReadinessCheck } from '../module';
import { bs2KeeperStatusOf, Bs2KeeperUnresponsive, handBs2RefreshToken, lockedBs2Keepers } from './keeper-client';
import type { Bs2KeeperStatus } from './keeper-contract';

const Params = z.object({ accountId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an account id') });

/** Printable ASCII without spaces, as OAuth tokens are (RFC 6749 appendix A); the reason never quotes the value. */
export const Bs2RefreshToken = z
  .string({ error: 'is required: the refresh token generated in BS2 Empresas' })
  .trim()
  .min(1, 'must not be empty')
  .max(4096, 'must be at most 4096 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (copy the token exactly as BS2 Empresas shows it)');

const TokenStatus = z
  .object({
    accountId: z.string(),
    started: z
      .boolean()
      .meta({ description: 'false until the account first needed a token (then nothing else is set)' }),
    locked: z.boolean().meta({
      description: 'BS2 refused the refresh token: boletos of the account wait until a new one is handed over',
    }),
    lockedReason: z.string().optional().meta({ description: "BS2's answer, e.g. invalid_grant" }),
    lockedAt: instant.optional(),
    hasAccessToken: z.boolean(),
    accessExpiresAt: instant.optional(),
    lastRefreshAt: instant.optional(),
    refreshCount: z.number().int(),
    refreshTokenSetBy: z
      .string()
      .optional()
      .meta({ description: 'Who last handed over a refresh token: api-key:<keyId> or cli:<user>@<host>' }),
    refreshTokenSetAt: instant.optional(),
  })
  .meta({ id: 'Bs2TokenStatus', description: 'A BS2 account token keeper (never a token)' });

const HandOver = TokenStatus.extend({
  applied: z.boolean().meta({
    description:
      'false: the same token as the last hand-over (a retried request); the keeper has used it since, nothing changed',
  }),
  verified: z.boolean().meta({
    description:
      'The keeper obtained an access token afterwards (false: BS2 could not be reached; the keeper keeps the token and goes on)',
  }),
  detail: z.string().optional(),
}).meta({ id: 'Bs2TokenHandOver' });

export const bs2TokenStatusView = (accountId: string, s: Bs2KeeperStatus | undefined): z.infer<typeof TokenStatus> =>
  s
    ? {
        accountId,
        started: true,
        locked: s.locked !== undefined,
        ...(s.locked ? { lockedReason: s.locked } : {}),
        ...(s.lockedAt ? { lockedAt: s.lockedAt } : {}),
        hasAccessToken: s.hasAccessToken,
        ...(s.accessExpiresAt ? { accessExpiresAt: s.accessExpiresAt } : {}),
        ...(s.lastRefreshAt ? { lastRefreshAt: s.lastRefreshAt } : {}),
        refreshCount: s.refreshCount,
        ...(s.refreshTokenSetBy ? { refreshTokenSetBy: s.refreshTokenSetBy } : {}),
        ...(s.refreshTokenSetAt ? { refreshTokenSetAt: s.refreshTokenSetAt } : {}),
      }
    : { accountId, started: false, locked: false, hasAccessToken: false, refreshCount: 0 };

export function bs2TokenRoutes(deps: BankApiDeps): ApiRoute[] {
  const own = (p: Principal, accountId: string, res: Response) =>
    ownBankAccount(deps, { code: 'BS2', name: 'BS2' }, p, accountId, res);
  const unresponsive = (res: Response, e: Bs2KeeperUnresponsive) => {
    res.setHeader('Retry-After', '10');
    sendProblem(res, {
      type: 'temporarily-unavailable',
      title: 'The token keeper did not answer',
      status: 503,
      detail: `${e.message}. A hand-over may still be applied: check GET before sending it again.`,
    });
  };

  return [
    defineRoute({
      method: 'get',
      path: '/v1/bank-tokens/bs2/:accountId',
      operationId: 'getBs2TokenStatus',
      summary: "A BS2 account's token keeper: locked or not, and who last handed it a refresh token (never a token)",
      tags: ['bank tokens'],
      access: ['operator'],
      request: { params: Params },
      responses: {
        200: { description: 'The keeper', schema: TokenStatus },
        404: { description: 'No BS2 account with this id in your tenant' },
        503: { description: 'The keeper did not answer (no worker running?)' },
      },
      handler: async ({ principal, params, res }) => {
        if (!(await own(principal, params.accountId, res))) return;
        try {
          res.json(bs2TokenStatusView(params.accountId, await bs2KeeperStatusOf(deps.client, params.accountId)));
        } catch (e) {
          if (!(e instanceof Bs2KeeperUnresponsive)) throw e;
          unresponsive(res, e);
        }
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/bank-tokens/bs2/:accountId',
      operationId: 'setBs2RefreshToken',
      summary:
        'Hand the account’s token keeper a new BS2 refresh token (unlocks it); verified at once with one refresh',
      description:
        'Generate a new refresh token for the application in BS2 Empresas (API Banking), then send it here. ' +
        'The keeper takes it (clearing a lock), refreshes once to prove it and the account’s waiting boletos register. ' +
        'The token is kept only in the keeper’s workflow history, encrypted; it is never logged or returned.',
      tags: ['bank tokens'],
      access: ['operator'],
      request: { params: Params, body: z.strictObject({ refreshToken: Bs2RefreshToken }) },
      responses: {
        200: {
          description:
            'Handed over: unlocked (verified), kept unverified because BS2 could not be reached, or a repeat of the last hand-over (applied false)',
          schema: HandOver,
        },
        404: { description: 'No BS2 account with this id in your tenant' },
        422: {
          description: 'BS2 refused this refresh token too (the keeper stays locked); the detail has BS2’s words',
        },
        503: { description: 'The keeper did not answer (no worker running?); the token may still be applied' },
      },
      handler: async ({ principal, params, body, res, log }) => {
        if (!(await own(principal, params.accountId, res))) return;
        const by = `api-key:${principal.keyId}`;
        const audit = {
          audit: 'bs2.refresh-token.set',
          accountId: params.accountId,
          tenantId: principal.tenantId,
          keyId: principal.keyId,
          role: principal.role,
        };
        let r;
        try {
          r = await handBs2RefreshToken(deps.client, {
            accountId: params.accountId,
            taskQueue: deps.taskQueue,
            refreshToken: body.refreshToken,
            by,
            startIfMissing: true,
          });
        } catch (e) {
          if (!(e instanceof Bs2KeeperUnresponsive)) throw e;
          log.warn({ ...audit, outcome: 'unresponsive' }, 'BS2 refresh token hand-over: the keeper did not answer');
          return unresponsive(res, e);
        }
        log.info(
          { ...audit, outcome: r.outcome, applied: r.applied, wasLocked: r.wasLocked },
          'BS2 refresh token handed to the token keeper',
        );
        if (r.outcome === 'refused') {
          return sendProblem(res, {
            type: 'bank-refused',
            title: 'BS2 refused this refresh token',
            status: 422,
            detail: `${r.status.locked}. The account stays locked: generate a new token in BS2 Empresas and send it.`,
          });
        }
        res.json({
          ...bs2TokenStatusView(params.accountId, r.status),
          applied: r.applied,
          verified: r.verified,
          ...(r.detail ? { detail: r.detail } : {}),
        });
      },
    }),
  ];
}

/** The check id /readyz gives a locked BS2 account. */
export const bs2KeeperCheckName = (accountId: string): string => `bs2Keeper:${accountId}`;

/**
 * /readyz entries: one failing check per locked BS2 account (BS2's reason and the way out; never a token).
 * They do not make the API "not ready": taking it out of rotation would not unlock the account and would stop
 * every other one. A keeper list that cannot be read is one such check too.
 */
export async function bs2KeeperChecks(
  client: Client,
  deadline: number,
): Promise<Record<string, ReadinessCheck & { ok: false; affectsReadiness: false }>> {
  try {
    const locked = await lockedBs2Keepers(client, deadline);
    return Object.fromEntries(
      locked.map((k) => [
        bs2KeeperCheckName(k.accountId),
        {
          ok: false,
          affectsReadiness: false,
          accountId: k.accountId,
          ...(k.lockedAt ? { lockedAt: k.lockedAt } : {}),
          detail: `BS2 account ${k.accountId} is locked: ${k.locked}; its boletos wait. Hand the keeper the new refresh token: PUT /v1/bank-tokens/bs2/${k.accountId} or npm run bs2 -- set-refresh-token ${k.accountId}`,
        },
      ]),
    );
  } catch (e) {
    return {
      bs2Keepers: {
        ok: false,
        affectsReadiness: false,
        detail: `BS2 token keepers not readable: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}`,
      },
    };
  }
}

/** Locked keepers' checks without their accounts (for callers who are not operators): one entry with how many. */
function summarised(checks: Record<string, ReadinessCheck>): Record<string, ReadinessCheck> {
  const locked = Object.keys(checks).filter((k) => k.startsWith('bs2Keeper:')).length;
  if (!locked) return checks; // nothing locked, or the one bs2Keepers entry saying they could not be read
  return {
    bs2Keepers: {
      ok: false,
      affectsReadiness: false,
      locked,
      detail: `${locked} BS2 account(s) locked; their boletos wait. An operator API key shows which, and how to unlock them.`,
    },
  };
}

/** BS2's /readyz entries: each locked keeper (operators), or how many are locked (anyone else). */
export async function bs2Readiness(
  client: Client,
  deadline: number,
  operator: boolean,
): Promise<Record<string, ReadinessCheck>> {
  const checks = await bs2KeeperChecks(client, deadline);
  return operator ? checks : summarised(checks);
}
