/**
 * BS2's part of the onboarding workflow (src/banks/onboarding-hooks.ts), workflow code: the API Banking application's
 * credentials, stored as submitted, and their refresh token handed to the account's token keeper
 * (src/banks/bs2/keeper-workflow.ts), which owns the rotating token from then on. Texts, state fields and activity
 * names are in histories.
 */
import { type BankOnboardingHooks, convenioNumberIsAccountProblem, textProblem } from '../onboarding-hooks';
import type { createBs2OnboardingActivities } from './token-activities';

/** BS2's activities the onboarding workflow calls (names are part of history). */
export type Bs2OnboardingWorkflowActivities = ReturnType<typeof createBs2OnboardingActivities>;

/** BS2's fields in the onboarding's state (names are part of history: continue-as-new carries them). */
export interface Bs2OnboardingState {
  /** The credentials generation whose refresh token was handed to the token keeper (it owns the token from then on). */
  keeperGeneration: number;
}

export const BS2_ONBOARDING_HOOKS: BankOnboardingHooks<Bs2OnboardingState, Bs2OnboardingWorkflowActivities> = {
  initialState: () => ({ keeperGeneration: 0 }),

  managerEmailExtras: (input) => (input.webhook.bs2 ? { webhook: input.webhook.bs2 } : {}),

  credentialsProblem: (_input, c) =>
    c.kind === 'BS2'
      ? (textProblem(c.apiKey, 'apiKey', 256) ??
        textProblem(c.apiSecret, 'apiSecret', 256) ??
        textProblem(c.scope, 'scope', 1024) ??
        textProblem(c.refreshToken, 'refreshToken', 256))
      : 'unknown credentials kind',

  // eslint-disable-next-line @typescript-eslint/require-await -- async like every bank's conversion (one promise per submission)
  async storeCredentials(_ctx, c) {
    if (c.kind !== 'BS2') throw new Error('unknown credentials kind');
    return {
      kind: 'BS2' as const,
      apiKey: c.apiKey.trim(),
      apiSecret: c.apiSecret,
      scope: c.scope.trim(),
      refreshToken: c.refreshToken.trim(),
    };
  },

  credentialsText: () => 'BS2 application credentials received',

  credentialsView: (c) =>
    c.kind === 'BS2'
      ? { kind: c.kind, apiKey: c.apiKey, scope: c.scope, receivedAt: c.receivedAt }
      : { kind: c.kind, receivedAt: c.receivedAt },

  /** The convênio number is the account itself. */
  configurationProblem: convenioNumberIsAccountProblem,

  /** The token keeper owns the (rotating) refresh token from here on: handed over exactly once per submission. */
  handOverCredentials(ctx) {
    const { state } = ctx;
    const c = state.credentials;
    if (c?.kind !== 'BS2' || state.keeperGeneration === state.credentialsGeneration) return undefined;
    return {
      call: ctx.activities.onboardingHandOverBs2RefreshToken({
        accountId: ctx.input.accountId,
        refreshToken: c.refreshToken,
      }),
      done: () => {
        state.keeperGeneration = state.credentialsGeneration;
      },
    };
  },
};
