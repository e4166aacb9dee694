/**
 * Message contracts of the boleto lifecycle workflow, defined once and imported by the workflow, the API
 * and the tests. Who waits picks the kind: bank facts are fire-and-forget signals; the API's instant answer,
 * due-date changes and cancellations are updates with validators (the caller needs a yes/no, and an invalid
 * request must not touch history); reads are queries.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { BankBoleto, BankCode, BankEvent, Payer, RegisterBoletoRequest } from './bank';

export type BoletoStatus =
  'REGISTERING' | 'REGISTERED' | 'REJECTED' | 'OVERDUE' | 'CANCELLING' | 'PAID' | 'SETTLED' | 'CANCELLED' | 'EXPIRED';

export const TERMINAL_STATUSES: readonly BoletoStatus[] = ['REJECTED', 'SETTLED', 'CANCELLED', 'EXPIRED'];

/** When each bank is polled, in days/hours; all per bank/account configurable. */
export interface PollPolicy {
  /** While open and before the due date, poll every N days (0 = only around the due date). */
  openEveryDays: number;
  /** After the last payable day without payment, poll every N days until expiry. */
  overdueEveryDays: number;
  /** Local hour (America/Sao_Paulo) of the settlement-morning polls while PAID. */
  settlementHour: number;
  /** Business days after payment within which the bank settles (BS2: up to 3). */
  settlementBusinessDays: number;
  /** Random spread added to each poll, in minutes (deterministic per workflow). */
  jitterMinutes: number;
}

export interface BoletoPolicy {
  /** Days after the due date when we write the boleto off (BS2: payable 60 days after due). */
  expireAfterDays: number;
  poll: PollPolicy;
  /** After a terminal status, keep the workflow open this many days for delivery resends. */
  closeAfterDays: number;
  /** Give up registering (bank unreachable) after this many hours → REJECTED (BANK_UNAVAILABLE). */
  registrationDeadlineHours: number;
}

export interface StartBoletoInput {
  boletoId: string;
  tenantId: string;
  accountId: string;
  bank: BankCode;
  /** SHA-256 of the canonical creation request: same Idempotency-Key with a different body is refused. */
  requestFingerprint: string;
  /** seuNumero fixed; nossoNumero fixed when the bank lets us choose it (Itaú). */
  request: RegisterBoletoRequest;
  /** Itaú-style banks: nosso número chosen by us (8 digits), so derive candidates from a seed. */
  chooseNossoNumero: boolean;
  reference?: string;
  createdAt: string;
  policy: BoletoPolicy;
  /** Behaviour fixed at start (see patches.ts); absent = 1. */
  codeVersion?: number;
}

export interface BoletoEvent {
  seq: number;
  kind:
    | 'REGISTERED'
    | 'REJECTED'
    | 'OVERDUE'
    | 'CANCEL_REQUESTED'
    | 'CANCELLED'
    | 'EXPIRED'
    | 'PAID'
    | 'SETTLED'
    | 'DUE_DATE_CHANGED';
  /** When it happened (the bank's time for bank facts). */
  at: string;
  source: 'bank-webhook' | 'bank-poll' | 'bank-response' | 'api' | 'timer';
  /** The bank's notification id or our own id: deliveries and dedupe use it. */
  eventId: string;
  details?: Record<string, unknown>;
}

export interface Delivery {
  deliveryId: string;
  eventSeq: number;
  status: 'PENDING' | 'DELIVERED' | 'FAILED' | 'SKIPPED';
  attempts: number;
  lastError?: string;
  lastAttemptAt?: string;
  deliveredAt?: string;
}

export interface BoletoView {
  id: string;
  tenantId: string;
  accountId: string;
  bank: BankCode;
  status: BoletoStatus;
  /** PAID means payment identified; SETTLED means money credited. Both explicit for clients. */
  paid: boolean;
  settled: boolean;
  kind: RegisterBoletoRequest['kind'];
  amountCents: number;
  issueDate: string;
  dueDate: string;
  paymentDeadline?: string;
  seuNumero: string;
  nossoNumero?: string;
  bankId?: string;
  barcode?: string;
  linhaDigitavel?: string;
  pix?: { emv: string; txid?: string };
  payment?: { paidCents: number; paidAt: string; channel?: string };
  settlement?: { settledCents: number; settledAt: string };
  cancellation?: { requestedAt?: string; reason?: string; cancelledAt?: string };
  rejection?: { code: string; reasons: { field: string; message: string }[] };
  reference?: string;
  createdAt: string;
  updatedAt: string;
}

/** A boleto as it stands before the bank has answered: the workflow's first state, and the API's 202 when it cannot ask. */
export function registeringView(input: StartBoletoInput): BoletoView {
  const r = input.request;
  return {
    id: input.boletoId,
    tenantId: input.tenantId,
    accountId: input.accountId,
    bank: input.bank,
    status: 'REGISTERING',
    paid: false,
    settled: false,
    kind: r.kind,
    amountCents: r.amountCents,
    issueDate: r.issueDate,
    dueDate: r.dueDate,
    ...(r.paymentDeadline ? { paymentDeadline: r.paymentDeadline } : {}),
    seuNumero: r.seuNumero,
    ...(input.reference ? { reference: input.reference } : {}),
    createdAt: input.createdAt,
    updatedAt: input.createdAt,
  };
}

/** A bank fact, verified by the API (authenticated webhook) or not (then the workflow re-queries the bank). */
export interface BankEventSignal {
  events: BankEvent[];
  verified: boolean;
  receivedAt: string;
}

export const bankEventSignal = defineSignal<[BankEventSignal]>('bankEvent');

/**
 * The webhook events a boleto's workflow acts on. Not the bank's "registered" notice: the workflow knows its
 * registration from the bank's answer (or its own look-up after a lost one), so the webhook routes do not signal a
 * notice that carries nothing else (a signal, a workflow task and a billed action per boleto saved).
 */
export const eventsForWorkflow = (events: BankEvent[]): BankEvent[] => events.filter((e) => e.kind !== 'REGISTERED');

/** The API's instant answer: resolves once registration has an outcome (REGISTERED or REJECTED). */
export const awaitRegistrationUpdate = defineUpdate<BoletoView, [{ requestFingerprint: string }]>('awaitRegistration');
export const changeDueDateUpdate = defineUpdate<BoletoView, [{ dueDate: string; requestedAt: string }]>(
  'changeDueDate',
);
export const cancelUpdate = defineUpdate<BoletoView, [{ reason: string; requestedAt: string }]>('cancel');
export const resendDeliveryUpdate = defineUpdate<Delivery, [{ deliveryId: string }]>('resendDelivery');

export const getBoletoQuery = defineQuery<BoletoView>('getBoleto');
export const getEventsQuery = defineQuery<BoletoEvent[]>('getEvents');
export const getDeliveriesQuery = defineQuery<Delivery[]>('getDeliveries');
/** What the PDF needs beyond the view (the payer is personal data: only for the tenant's own API calls). */
export const getPrintableQuery = defineQuery<{ boleto: BoletoView; payer: Payer; messages: string[] }>('getPrintable');
/** For an Idempotency-Key replay: what the boleto was created from, and the answer given the first time. */
export const getCreationQuery = defineQuery<{ requestFingerprint: string; firstResponse?: BoletoView }>('getCreation');
/**
 * Everything the records store keeps of a boleto, in one answer: importing a closed workflow costs the worker one
 * replay of its history instead of one per query (src/records/sync.ts). Personal data (the payer): store use only.
 */
export const getRecordQuery = defineQuery<{
  view: BoletoView;
  events: BoletoEvent[];
  deliveries: Delivery[];
  payer: Payer;
  messages: string[];
  requestFingerprint: string;
}>('getRecord');

export type { BankBoleto };
