/**
 * The pure half of a bank module: what the core and the workflows need to know about a bank, as data and pure
 * functions (no I/O, no Node built-ins), so workflow code may import it (src/banks/descriptors.ts lists them).
 * The runtime half (accounts, adapter, tokens, webhooks) is src/banks/module.ts.
 */
import type { BankCapability, BankCode } from '../contracts/bank';
import type { AccountData, CredentialsInput, ManagerEmail } from '../contracts/onboarding';
import type { BankRequestRules } from './request-rules';

/** What the manager e-mail may carry besides the account data. */
export interface ManagerEmailExtras {
  /** The onboarding's public key (PEM) to attach, for banks that issue a certificate from it. */
  publicKeyPem?: string;
  /** Where the bank must POST boleto notifications, and the Authorization value it must send. */
  webhook?: { url: string; authorization: string };
  /** Our support address, copied on the e-mail (as the seed asks). */
  supportEmail?: string;
}

export interface BankDescriptor {
  readonly code: BankCode;
  /** FEBRABAN bank number as printed on the boleto ('218', '341'). */
  readonly number: string;
  /** How the boleto and messages name the bank. */
  readonly name: string;
  /** What the bank's adapter offers (the API's checks and the workflows read these, never the bank's code). */
  readonly capabilities: ReadonlySet<BankCapability>;
  /** True when the beneficiary chooses the nosso número (sent with the registration); false when the bank assigns it. */
  readonly choosesNossoNumero: boolean;
  /** When the bank settles a paid boleto: the local hour of its settlement run and the business days after payment. */
  readonly settlement: { readonly hour: number; readonly businessDays: number };
  /** The bank's known refusals, with the installation's overrides of the unconfirmed ones (its own variables). */
  requestRules(settings: object): BankRequestRules;
  readonly onboarding: {
    /** The bank's product the client must have released (shown on the onboarding). */
    readonly product: string;
    /** The credential kinds CS may submit for this bank, and what to say when another kind comes. */
    readonly credentialKinds: readonly CredentialsInput['kind'][];
    readonly wrongCredentials: string;
    /** The bank's own rules for the account data CS captures (each problem names the field). */
    accountDataIssues(data: {
      agency: string;
      account: string;
      accountDigit: string;
      operatorCode?: string | undefined;
    }): { field: string; message: string }[];
    /** The manager e-mail (PT-BR), pure: the onboarding workflow builds it in its state. */
    managerEmail(data: AccountData, extras: ManagerEmailExtras): ManagerEmail;
  };
}
