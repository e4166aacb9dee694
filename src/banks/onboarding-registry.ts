/**
 * Every bank's part of the onboarding workflow (src/banks/onboarding-hooks.ts), by code: workflow code, pure. A bank
 * missing here is a compile error. The descriptors are listed in ./descriptors.ts, the runtime modules in ./index.ts.
 */
import type { BankCode } from '../contracts/bank';
import type { StoredCredentials } from '../contracts/onboarding';
import type { BankOnboardingHooks } from './onboarding-hooks';
import { BS2_ONBOARDING_HOOKS } from './bs2/onboarding-workflow';
import { ITAU_ONBOARDING_HOOKS } from './itau/onboarding-workflow';
import { SICOOB_ONBOARDING_HOOKS } from './sicoob/onboarding-workflow';

export const BANK_ONBOARDING_HOOKS = {
  BS2: BS2_ONBOARDING_HOOKS,
  ITAU: ITAU_ONBOARDING_HOOKS,
  SICOOB: SICOOB_ONBOARDING_HOOKS,
} as const satisfies Record<BankCode, BankOnboardingHooks<object, object>>;

type Hooks = (typeof BANK_ONBOARDING_HOOKS)[BankCode];
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

// Per bank (distributed over the union), so a bank without state or activities of its own (`object`) adds nothing.
type StateOf<H> = H extends BankOnboardingHooks<infer S, infer _A> ? S : never;
type ActivitiesOf<H> = H extends BankOnboardingHooks<infer _S, infer A> ? A : never;

/** Every bank's fields in the onboarding's state (each onboarding starts with all of them: see initialBankState). */
export type BankOnboardingState = Intersection<StateOf<Hooks>>;

/** Every bank's activities the onboarding workflow calls (the workflow proxies them all; names are in history). */
export type BankOnboardingActivities = Intersection<ActivitiesOf<Hooks>>;

/** The hooks of a bank, typed for the workflow's whole state and activities (a bank's hooks use its own part). */
export const bankOnboardingHooks = (
  bank: BankCode,
): BankOnboardingHooks<BankOnboardingState, BankOnboardingActivities> =>
  BANK_ONBOARDING_HOOKS[bank] as BankOnboardingHooks<BankOnboardingState, BankOnboardingActivities>;

/**
 * The bank fields every onboarding's state starts with, whatever its bank, in the registry's order: as before the
 * parts moved here, so a state carried by continue-as-new keeps its shape.
 */
export const initialBankState = (): BankOnboardingState =>
  Object.assign({}, ...Object.values(BANK_ONBOARDING_HOOKS).map((h) => h.initialState())) as BankOnboardingState;

/** Stored credentials say whose they are: their kind is the bank's code. */
const _kindIsBank: StoredCredentials['kind'] extends BankCode
  ? BankCode extends StoredCredentials['kind']
    ? true
    : never
  : never = true;
void _kindIsBank;
