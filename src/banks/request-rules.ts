/**
 * What a bank is known to refuse in a registration, known in advance: the API checks a request against its account's
 * bank here before any workflow starts or the bank is called, and answers 422 naming our field (not the bank's). Each
 * bank states its own rules in src/banks/<bank>/capabilities.ts (capabilities plus amount limits, the unconfirmed
 * ones overridable by environment variables); this module only dispatches and applies them, bank-neutrally.
 */
import { formatBrl } from '../domain';
import type { BankCapability, BankCode } from '../contracts/bank';
import { BANK_DESCRIPTORS } from './descriptors';

export interface BankRequestRules {
  /** What the bank offers (bank-adapter.ts): BOLECODE and ALPHANUMERIC_CNPJ gate what a request may contain. */
  capabilities: ReadonlySet<BankCapability>;
  /** Smallest amount the bank registers, inclusive (absent: none known). */
  minAmountCents?: number;
  /** Largest amount the bank registers, inclusive (absent: none known beyond the barcode's own). */
  maxAmountCents?: number;
}

type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every bank's rule overrides (each bank's descriptor names its own variables). */
export type RequestRuleSettings = Partial<
  Intersection<NonNullable<Parameters<(typeof BANK_DESCRIPTORS)[BankCode]['requestRules']>[0]>>
>;

/** The bank's rules, with the installation's overrides of the unconfirmed ones. */
export function requestRulesFor(bank: BankCode, s: RequestRuleSettings = {}): BankRequestRules {
  return BANK_DESCRIPTORS[bank].requestRules(s);
}

/** The parts of a registration request the rules look at. */
export interface RuleCheckedRequest {
  kind: 'BOLETO' | 'BOLECODE';
  amountCents: number;
  payer: { document: string };
  finalBeneficiary?: { document: string };
  guarantor?: { document: string };
}

/** One refused field, named by our request's path (`amountCents`, `payer.document`). */
export interface RuleProblem {
  field: string;
  reason: string;
}

/**
 * Every rule the request breaks (empty: nothing known against it). `bankName` only words the reasons; the reasons
 * never repeat the payer's document (personal data stays out of error messages).
 */
export function requestRuleProblems(rules: BankRequestRules, req: RuleCheckedRequest, bankName: string): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (rules.minAmountCents !== undefined && req.amountCents < rules.minAmountCents) {
    out.push({
      field: 'amountCents',
      reason: `must be at least ${formatBrl(rules.minAmountCents)}: ${bankName} registers no boleto below it`,
    });
  }
  if (rules.maxAmountCents !== undefined && req.amountCents > rules.maxAmountCents) {
    out.push({
      field: 'amountCents',
      reason: `must be at most ${formatBrl(rules.maxAmountCents)}: ${bankName} registers no boleto above it`,
    });
  }
  if (/[A-Z]/i.test(req.payer.document) && !rules.capabilities.has('ALPHANUMERIC_CNPJ')) {
    out.push({
      field: 'payer.document',
      reason: `is an alphanumeric CNPJ, which ${bankName} does not accept yet: use the payer's CPF or a numeric CNPJ`,
    });
  }
  // A party the account's adapter would not send is refused, never dropped (a final beneficiary is a legal duty).
  if (req.finalBeneficiary && !rules.capabilities.has('FINAL_BENEFICIARY'))
    out.push({ field: 'finalBeneficiary', reason: `is not sent to ${bankName} by this service yet` });
  if (req.guarantor && !rules.capabilities.has('GUARANTOR'))
    out.push({ field: 'guarantor', reason: `is not sent to ${bankName} by this service yet` });
  for (const party of ['finalBeneficiary', 'guarantor'] as const) {
    const doc = req[party]?.document;
    if (doc !== undefined && /[A-Z]/i.test(doc) && !rules.capabilities.has('ALPHANUMERIC_CNPJ')) {
      out.push({
        field: `${party}.document`,
        reason: `is an alphanumeric CNPJ, which ${bankName} does not accept yet: use a CPF or a numeric CNPJ`,
      });
    }
  }
  return out;
}
