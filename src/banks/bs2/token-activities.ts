/**
 * The BS2 token refresh, run only by the account's token keeper workflow. The new tokens are signalled to the
 * keeper as soon as the bank answers (durable once the server accepts the signal), then returned: whichever the
 * keeper sees first wins, so a worker dying between the bank's answer and the activity's completion does not lose
 * the rotated refresh token.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { withBankFailures } from '../../activities/to-failure';
import type { BankRegistry } from '../registry';
import {
  BS2_KEEPER_WORKFLOW_TYPE,
  type Bs2IssuedTokens,
  bs2KeeperWorkflowId,
  setBs2RefreshToken,
} from './keeper-contract';
import { bs2Http } from './connection';
import { refreshBs2Token } from './tokens';

export type { Bs2IssuedTokens };

export interface Bs2TokenActivityDeps {
  registry: BankRegistry;
  /** Test hook: runs after the keeper was signalled, before returning (to simulate a worker dying there). */
  afterSignal?: (t: Bs2IssuedTokens) => Promise<void>;
}

export const createBs2TokenActivities = (deps: Bs2TokenActivityDeps) => ({
  async bs2RefreshToken(input: {
    accountId: string;
    generation: number;
    keeperWorkflowId: string;
    refreshToken?: string;
  }): Promise<Bs2IssuedTokens> {
    await deps.registry.ensure(input.accountId);
    const account = deps.registry.accountOf(input.accountId, 'BS2');
    let issued;
    try {
      issued = await withBankFailures(() =>
        refreshBs2Token(
          bs2Http(deps.registry, input.accountId),
          account.credentials,
          input.refreshToken ?? account.credentials.initialRefreshToken,
        ),
      );
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

/** BS2's part of onboarding (an activity; its name is part of history). */
export const createBs2OnboardingActivities = () => ({
  /** Gives the account's token keeper the first refresh token of a (new) BS2 application (starts it if needed). */
  async onboardingHandOverBs2RefreshToken(input: { accountId: string; refreshToken: string }): Promise<void> {
    const ctx = Context.current();
    const start = new WithStartWorkflowOperation(BS2_KEEPER_WORKFLOW_TYPE, {
      workflowId: bs2KeeperWorkflowId(input.accountId),
      taskQueue: ctx.info.taskQueue,
      args: [{ accountId: input.accountId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    await ctx.client.workflow.executeUpdateWithStart(setBs2RefreshToken, {
      args: [{ refreshToken: input.refreshToken }],
      startWorkflowOperation: start,
    });
  },
});
