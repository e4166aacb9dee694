/**
 * The one narrow interface every bank implements (src/banks/<bank>/). Only activities call it. Each method
 * takes one request object and returns one response object in the bank-neutral model (src/contracts/bank.ts); every
 * failure is a BankError (./errors.ts). An adapter instance serves one client bank account.
 */
import type {
  BankBoleto,
  BankCapability,
  BankCode,
  BankEvent,
  BoletoRef,
  RegisterBoletoRequest,
  SearchBoletosFilter,
  SearchBoletosResult,
} from '../contracts/bank';

export type { BankCapability };

export interface InboundWebhook {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The parsed JSON body. */
  body: unknown;
  receivedAt: string;
}

export interface BankAdapter {
  readonly bank: BankCode;
  readonly capabilities: ReadonlySet<BankCapability>;

  /** Obtains (or refreshes) credentials and proves they work: the connectivity check of onboarding. */
  authenticate(): Promise<{ ok: true; expiresAt?: string }>;

  /** Registers the boleto. Throws BankError ALREADY_REGISTERED when the bank dedupes it. */
  register(req: RegisterBoletoRequest): Promise<BankBoleto>;

  /** One boleto by the bank's id or nosso número; null when the bank does not know it. */
  get(ref: BoletoRef): Promise<BankBoleto | null>;

  /**
   * The boleto registered with this request's identity (seuNumero, or nosso número where we choose it), or null.
   * Used after a lost response before registering again: a retry must never create a second boleto.
   */
  findRegistered(req: Pick<RegisterBoletoRequest, 'seuNumero' | 'nossoNumero' | 'dueDate'>): Promise<BankBoleto | null>;

  search(filter: SearchBoletosFilter): Promise<SearchBoletosResult>;

  /** The bank's own PDF (where the bank offers one; our renderer is the default). */
  pdf(ref: BoletoRef): Promise<Uint8Array>;

  /** Asks the bank for a new due date. Resolves when the bank accepted the request. */
  changeDueDate(ref: BoletoRef, dueDate: string): Promise<{ accepted: true; requestId?: string }>;

  /** Baixa / cancellation. Resolves when the bank accepted it; CONFLICT when already paid/settled. */
  cancel(ref: BoletoRef, reason: string): Promise<{ accepted: true; requestId?: string }>;

  /**
   * Verifies (where the bank signs or authenticates) and translates an inbound notification into our events.
   * Throws BankError VALIDATION for a body that is not this bank's notification. Pure apart from verification.
   */
  translateWebhook(webhook: InboundWebhook): BankEvent[];
}
