/**
 * The bank-neutral boleto model: what every bank adapter returns and what workflows reason about.
 * Pure types (no runtime imports), so workflow code can import them. Money is integer cents; calendar dates
 * are 'YYYY-MM-DD'; instants are ISO-8601 strings with offset.
 */

export type BankCode = 'BS2' | 'ITAU' | 'SICOOB';

/** What a bank offers (each bank's descriptor lists its own; src/banks/<bank>/descriptor.ts). */
export type BankCapability =
  | 'BOLECODE'
  /** The bank can answer "does a boleto with this seuNumero exist?" (idempotent registration lookup). */
  | 'LOOKUP_BY_SEU_NUMERO'
  | 'SEARCH'
  | 'BANK_PDF'
  | 'CHANGE_DUE_DATE'
  | 'WEBHOOKS'
  /** A validation-only registration call exists (connectivity check without creating a boleto). */
  | 'VALIDATE_ONLY'
  /** The bank registers payers (and beneficiaries) with an alphanumeric CNPJ (the RFB's format from July 2026). */
  | 'ALPHANUMERIC_CNPJ'
  /** The adapter sends a payment intermediary's final beneficiary (RegisterBoletoRequest.finalBeneficiary). */
  | 'FINAL_BENEFICIARY'
  /** The adapter sends a sacador/avalista (RegisterBoletoRequest.guarantor). */
  | 'GUARANTOR';

export interface Address {
  street: string;
  number: string;
  complement?: string;
  district: string;
  city: string;
  /** UF, two letters. */
  state: string;
  /** CEP, 8 digits. */
  zipCode: string;
}

export interface Payer {
  name: string;
  /** CPF (11 digits) or CNPJ (14 characters, numeric or alphanumeric), no punctuation. */
  document: string;
  email?: string;
  phone?: string;
  address: Address;
}

/**
 * The final beneficiary of a payment intermediary's boleto: who finally receives the money (BS2 `beneficiarioFinal`,
 * registered at CIP; mandatory by contract for intermediaries, docs/banks/bs2.md).
 */
export interface FinalBeneficiary {
  /** Razão social (or a person's name). */
  name: string;
  /** Nome fantasia. */
  tradeName?: string;
  /** CPF (11 digits) or CNPJ (14 characters), no punctuation. */
  document: string;
}

/** Sacador/avalista: the drawer or guarantor printed on the boleto (BS2 `sacadorAvalista`). */
export interface Guarantor {
  name: string;
  /** CPF (11 digits) or CNPJ (14 characters), no punctuation. */
  document: string;
  address: Address;
}

/** Late-payment interest. PERCENT_MONTHLY: basis points per month (100 = 1 %/month); FIXED_DAILY: cents per day. */
export type Interest = { type: 'PERCENT_MONTHLY'; basisPoints: number } | { type: 'FIXED_DAILY'; cents: number };
/** Fine charged once after the due date. PERCENT: basis points of the amount; FIXED: cents. */
export type Fine = { type: 'PERCENT'; basisPoints: number } | { type: 'FIXED'; cents: number };
/** Early-payment discount valid until `until` (inclusive). */
export type Discount =
  { type: 'PERCENT'; basisPoints: number; until: string } | { type: 'FIXED'; cents: number; until: string };

export type BoletoKind = 'BOLETO' | 'BOLECODE';

export interface RegisterBoletoRequest {
  /**
   * Our number for the boleto (BS2 `seuNumero`, Itaú `texto_seu_numero`): up to 10 letters/digits, fixed by the
   * workflow before the first call and reused on every retry. BS2 dedupes on it.
   */
  seuNumero: string;
  /**
   * The bank's number when the beneficiary chooses it (Itaú carteira 109: 8 digits, unique while active). Fixed
   * before the first call; the bank dedupes on it. Absent for banks that assign it (BS2).
   */
  nossoNumero?: string;
  kind: BoletoKind;
  amountCents: number;
  issueDate: string;
  dueDate: string;
  /** Last day the bank accepts payment (BS2 dataLimitePagamento, Itaú data_limite_pagamento). */
  paymentDeadline?: string;
  payer: Payer;
  interest?: Interest;
  fine?: Fine;
  discount?: Discount;
  /** Up to 4 lines printed on the boleto. */
  messages?: string[];
  /** Bolecode: the beneficiary's Pix key (DICT). */
  pixKey?: string;
  /** Payment intermediaries: who finally receives the money. */
  finalBeneficiary?: FinalBeneficiary;
  /** Sacador/avalista. */
  guarantor?: Guarantor;
}

/** The bank's own view of a boleto, normalised. */
export type BankBoletoStatus = 'OPEN' | 'OVERDUE' | 'PAID' | 'SETTLED' | 'CANCELLED' | 'UNKNOWN';

export interface BankBoleto {
  /** The bank's id for the boleto (BS2 uuid, Itaú id_boleto). */
  bankId: string;
  nossoNumero: string;
  seuNumero?: string;
  status: BankBoletoStatus;
  /** The bank's status as it sent it (for operators; never parsed elsewhere). */
  bankStatus: string;
  amountCents: number;
  dueDate: string;
  paymentDeadline?: string;
  barcode: string;
  linhaDigitavel: string;
  /** Bolecode: the Pix copia-e-cola (EMV) and its txid. */
  pix?: { emv: string; txid?: string };
  /** Payment identified in the banking network (not yet money in the account). */
  payment?: { paidCents: number; paidAt: string; channel?: string; bankTime?: string };
  /** Money credited to the account (BS2 valorLiquidado, Itaú BAIXA_EFETIVA / Creditado). */
  settlement?: { settledCents: number; settledAt: string };
  cancellation?: { cancelledAt: string; reason?: string; bankTime?: string };
}

export type BankEventKind = 'REGISTERED' | 'PAID' | 'SETTLED' | 'CANCELLED';

/** One fact a bank reported (webhook or poll), translated. `eventId` is the dedupe key. */
export interface BankEvent {
  bank: BankCode;
  /** Unique per fact: the bank's notification id plus the fact (one BS2 notification carries several statuses). */
  eventId: string;
  kind: BankEventKind;
  /** When the fact happened at the bank (for ordering and webhook-lag metrics): RFC 3339 UTC (src/banks/time.ts). */
  occurredAt: string;
  /** The bank's own text for that time, when it was not already RFC 3339 UTC (e.g. São Paulo local time). */
  bankTime?: string;
  nossoNumero?: string;
  seuNumero?: string;
  bankId?: string;
  paidCents?: number;
  settledCents?: number;
  source: 'webhook' | 'poll';
}

export interface BoletoRef {
  bankId?: string;
  nossoNumero?: string;
}

export interface SearchBoletosFilter {
  dueFrom?: string;
  dueTo?: string;
  issuedFrom?: string;
  issuedTo?: string;
  status?: BankBoletoStatus;
  seuNumero?: string;
  payerDocument?: string;
  /** Opaque continuation from a previous page. */
  cursor?: string;
  limit?: number;
}

export interface SearchBoletosResult {
  items: BankBoleto[];
  nextCursor?: string;
}
