/**
 * The BS2 token refresh, run only by the account's token keeper workflow. The new tokens are signalled to the
 * keeper as soon as the bank answers (durable once the server accepts the signal), then returned: whichever the
 * keeper sees first wins, so a worker dying between the bank's answer and the activity's completion does not lose
 * the rotated refresh token.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { BankRegistry } from '../banks/registry';
import { refreshBs2Token } from '../banks/bs2/tokens';
import { withBankFailures } from './to-failure';

export interface Bs2IssuedTokens {
  generation: number;
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  /** Epoch ms when the bank answered. */
  issuedAt: number;
}

export interface Bs2TokenActivityDeps {
  registry: BankRegistry;
  /** Test hook: runs after the keeper was signalled, before returning (to simulate a worker dying there). */
  afterSignal?: (t: Bs2IssuedTokens) => Promise<void>;
}

export const createBs2TokenActivities = (deps: Bs2TokenActivityDeps) => ({
  async bs2RefreshToken(input: { accountId: string; generation: number; keeperWorkflowId: string; refreshToken?: string }): Promise<Bs2IssuedTokens> {
    await deps.registry.ensure(input.accountId);
    const account = deps.registry.bs2Account(input.accountId);
    let issued;
    try {
      issued = await withBankFailures(() => refreshBs2Token(deps.registry.bs2Http(input.accountId), account.credentials, input.refreshToken ?? account.credentials.initialRefreshToken));
    } catch (e) {
      if (e instanceof ApplicationFailure && e.type === 'BankAuthError') {
        throw ApplicationFailure.create({ type: 'Bs2CredentialsRejected', message: e.message, nonRetryable: true });
      }
      throw e;
    }
    const tokens: Bs2IssuedTokens = { generation: input.generation, ...issued, issuedAt: Date.now() };
    try {
      await Context.current().client.workflow.getHandle(input.keeperWorkflowId).signal('bs2TokensIssued', tokens);
    } catch {
      // The completion below is the second path to the keeper.
    }
    await deps.afterSignal?.(tokens);
    return tokens;
  },
});

