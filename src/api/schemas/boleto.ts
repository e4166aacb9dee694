/**
 * The boleto API's request and response schemas: validation and the OpenAPI document come from these.
 * Amounts are integer cents; dates are ISO calendar dates (São Paulo); unknown fields are rejected.
 */
import { BANK_CODES } from '../../banks/descriptors';
import { z } from 'zod';
import { FEBRABAN_FATOR_WINDOW, inspectCpfOrCnpj, isIsoDate } from '../../domain';
import type { BoletoEvent, BoletoView, Delivery } from '../../contracts/boleto';
import { emailAddress, freeText } from './text';
import { instant } from './time';

export const isoDate = z
  .string()
  .refine(isIsoDate, { message: 'must be a calendar date YYYY-MM-DD' })
  .meta({ example: '2026-12-20', format: 'date' });
const WINDOW =
  `at most ${FEBRABAN_FATOR_WINDOW.daysAhead} days after today (São Paulo): the barcode carries the due date as a fator, which names dates ` +
  `9000 days apart, and the payer's bank reads it inside FEBRABAN's window (${FEBRABAN_FATOR_WINDOW.daysBack} days back, ` +
  `${FEBRABAN_FATOR_WINDOW.daysAhead} ahead), so a later date would print a barcode read as a date decades earlier`;
/** A due date, which goes into the barcode: refused (400) unless a payer's bank reads it back (domain fator rule). */
export const dueDate = isoDate.meta({ description: `Today or later, and ${WINDOW}` });
/** A new due date (POST /v1/boletos/{id}/due-date): the same window, after today. */
export const newDueDate = isoDate.meta({ description: `After today, and ${WINDOW}` });
export const cents = z
  .number()
  .int('must be whole cents')
  .min(1, 'must be at least 1 cent')
  .max(9_999_999_999, 'must be at most R$ 99.999.999,99');
export const basisPoints = z.number().int().min(1).max(10_000).meta({ description: '1 = 0.01 %' });
/** Interest after the due date: a monthly rate or a fixed amount per day (boletos and an account's charge defaults). */
export const Interest = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('PERCENT_MONTHLY'), basisPoints }),
  z.strictObject({ type: z.literal('FIXED_DAILY'), cents }),
]);
/** The fine once overdue: a rate or a fixed amount (boletos and an account's charge defaults). */
export const Fine = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('PERCENT'), basisPoints }),
  z.strictObject({ type: z.literal('FIXED'), cents }),
]);
const text = (max: number) => freeText(max);

/** A CPF or CNPJ (numeric or alphanumeric), punctuation dropped, letters upper-cased, check digits verified. */
/** OpenAPI format of a payer document: CPF (11 digits) or CNPJ (14, numeric or alphanumeric) with valid check digits; . - / and spaces ignored. */
export const CPF_CNPJ_FORMAT = 'cpf-cnpj';
const cpfOrCnpj = z
  .string()
  .transform((v) => v.replace(/[.\-/\s]/g, '').toUpperCase())
  .superRefine((v, ctx) => {
    const r = inspectCpfOrCnpj(v);
    if (!r.valid) ctx.addIssue({ code: 'custom', message: r.reason ?? 'not a valid CPF or CNPJ' });
  })
  // Check digits are beyond JSON Schema: the document names the rule as a format of its own (test/api/schemathesis-hooks.py
  // teaches the fuzzer to build such values).
  .meta({ format: CPF_CNPJ_FORMAT });

const Address = z.strictObject({
  street: text(80),
  number: text(10),
  complement: text(40).optional(),
  district: text(40),
  city: text(40),
  state: z.string().regex(/^[A-Z]{2}$/, 'must be a UF such as SP'),
  zipCode: z.string().regex(/^\d{8}$/, 'must be a CEP of 8 digits'),
});

const Payer = z.strictObject({
  name: text(100),
  document: cpfOrCnpj.meta({
    description:
      'CPF (11 digits) or CNPJ (14, numeric or alphanumeric) with valid check digits; punctuation is ignored',
    example: '52998224725',
  }),
  email: emailAddress().optional(),
  phone: z
    .string()
    .regex(/^\+?\d{10,14}$/, 'must be digits with area code')
    .optional(),
  address: Address,
});

/** Payment intermediaries: who finally receives the money (BS2 `beneficiarioFinal`, registered at CIP). */
const FinalBeneficiary = z.strictObject({
  name: text(100).meta({ description: 'razão social, or the person’s name' }),
  tradeName: text(100).optional().meta({ description: 'nome fantasia' }),
  document: cpfOrCnpj.meta({
    description: 'CPF or CNPJ with valid check digits; punctuation is ignored',
    example: '11222333000181',
  }),
});

/** Sacador/avalista (drawer or guarantor), printed on the boleto: with a CPF/CNPJ the bank requires all of its data. */
const Guarantor = z.strictObject({
  name: text(100),
  document: cpfOrCnpj.meta({
    description: 'CPF or CNPJ with valid check digits; punctuation is ignored',
    example: '11222333000181',
  }),
  address: Address,
});

export const CreateBoletoBody = z
  .strictObject({
    accountId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an account id'),
    kind: z.enum(['BOLETO', 'BOLECODE']).default('BOLETO').meta({ description: 'BOLECODE = boleto + Pix QR code' }),
    amountCents: cents,
    dueDate,
    issueDate: isoDate.optional().meta({ description: 'default: today' }),
    paymentDeadline: isoDate
      .optional()
      .meta({ description: 'last day the bank accepts payment (default: the bank’s window)' }),
    payer: Payer,
    interest: Interest.optional(),
    fine: Fine.optional(),
    discount: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('PERCENT'), basisPoints, until: isoDate }),
        z.strictObject({ type: z.literal('FIXED'), cents, until: isoDate }),
      ])
      .optional(),
    messages: z.array(text(80)).max(4).optional(),
    finalBeneficiary: FinalBeneficiary.optional().meta({
      description:
        'for payment intermediaries (who receive and pass the money on): the final beneficiary, mandatory by BS2 contract for them',
    }),
    guarantor: Guarantor.optional().meta({ description: 'sacador/avalista printed on the boleto' }),
    reference: text(64).optional().meta({ description: 'your own reference (invoice number); returned as is' }),
  })
  .superRefine((b, ctx) => {
    if (b.paymentDeadline && b.paymentDeadline < b.dueDate)
      ctx.addIssue({ code: 'custom', path: ['paymentDeadline'], message: 'must be on or after dueDate' });
    if (b.issueDate && b.issueDate > b.dueDate)
      ctx.addIssue({ code: 'custom', path: ['issueDate'], message: 'must be on or before dueDate' });
    if (b.discount && b.discount.until > b.dueDate)
      ctx.addIssue({ code: 'custom', path: ['discount', 'until'], message: 'must be on or before dueDate' });
  });
export type CreateBoletoBody = z.output<typeof CreateBoletoBody>;

const Status = z.enum([
  'REGISTERING',
  'REGISTERED',
  'REJECTED',
  'OVERDUE',
  'CANCELLING',
  'PAID',
  'SETTLED',
  'CANCELLED',
  'EXPIRED',
]);

export const BoletoSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    accountId: z.string(),
    bank: z.enum(BANK_CODES),
    status: Status,
    paid: z.boolean().meta({ description: 'payment identified in the banking network' }),
    settled: z.boolean().meta({ description: 'money credited to the account' }),
    kind: z.enum(['BOLETO', 'BOLECODE']),
    amountCents: z.number().int(),
    issueDate: z.string(),
    dueDate: z.string(),
    paymentDeadline: z.string().optional(),
    seuNumero: z.string(),
    nossoNumero: z.string().optional(),
    bankId: z.string().optional(),
    barcode: z.string().optional(),
    linhaDigitavel: z.string().optional(),
    pix: z.object({ emv: z.string(), txid: z.string().optional() }).optional(),
    payment: z.object({ paidCents: z.number().int(), paidAt: instant, channel: z.string().optional() }).optional(),
    settlement: z.object({ settledCents: z.number().int(), settledAt: instant }).optional(),
    cancellation: z
      .object({ requestedAt: instant.optional(), reason: z.string().optional(), cancelledAt: instant.optional() })
      .optional(),
    rejection: z
      .object({ code: z.string(), reasons: z.array(z.object({ field: z.string(), message: z.string() })) })
      .optional(),
    reference: z.string().optional(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Boleto' });
// The schema documents the workflow's view: keep them in step.
const _boletoMatches: z.ZodType<BoletoView> = BoletoSchema;

const STATUSES = Status.options;
/** The filters of the list and of the CSV export (unknown parameters are refused: a typo must not widen a query). */
const BoletoFilterFields = z.strictObject({
  status: z
    .string()
    .regex(
      new RegExp(`^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`),
      `must be one or more of ${STATUSES.join(', ')}, comma-separated`,
    )
    .transform((v) => [...new Set(v.split(','))] as z.infer<typeof Status>[])
    .optional()
    .meta({ example: 'PAID,SETTLED' }),
  bank: z.enum(BANK_CODES).optional(),
  account: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an account id')
    .optional(),
  dueFrom: isoDate.optional(),
  dueTo: isoDate.optional(),
  issuedFrom: isoDate.optional(),
  issuedTo: isoDate.optional(),
  paidFrom: isoDate.optional(),
  paidTo: isoDate.optional(),
  settledFrom: isoDate.optional(),
  settledTo: isoDate.optional(),
  payerDocument: cpfOrCnpj
    .optional()
    .meta({ description: 'the payer’s CPF or CNPJ (matched through a keyed hash; never stored in clear)' }),
  reference: text(64).optional(),
  seuNumero: z
    .string()
    .regex(/^[A-Za-z0-9]{1,20}$/, 'must be letters and digits')
    .optional(),
  nossoNumero: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,30}$/, 'must be letters, digits and hyphens')
    .optional(),
  updatedSince: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z' })
    .optional(),
});

/** Reversed ranges are refused on the upper bound's name. */
const rangesInOrder = (
  q: Partial<
    Record<
      'dueFrom' | 'dueTo' | 'issuedFrom' | 'issuedTo' | 'paidFrom' | 'paidTo' | 'settledFrom' | 'settledTo',
      string
    >
  >,
  ctx: z.RefinementCtx,
) => {
  for (const [from, to] of [
    ['dueFrom', 'dueTo'],
    ['issuedFrom', 'issuedTo'],
    ['paidFrom', 'paidTo'],
    ['settledFrom', 'settledTo'],
  ] as const) {
    const a = q[from];
    const b = q[to];
    if (a && b && b < a) ctx.addIssue({ code: 'custom', path: [to], message: `must be on or after ${from}` });
  }
};

export const BoletoFilterQuery = BoletoFilterFields.superRefine(rangesInOrder);
export const BoletoListQuery = BoletoFilterFields.extend({
  limit: z.coerce.number().int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100').default(50),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/, 'must be a cursor from a previous page')
    .optional(),
}).superRefine(rangesInOrder);

const Totals = z.object({ count: z.number().int(), amountCents: z.number().int() });
export const DailyTotalsSchema = z
  .object({
    date: z.string(),
    accountId: z.string(),
    issued: Totals,
    paid: Totals,
    settled: Totals,
    cancelled: Totals,
    expired: Totals,
  })
  .meta({ id: 'DailyTotals' });

export const EventSchema = z
  .object({
    seq: z.number().int(),
    kind: z.string(),
    at: instant.meta({ description: 'when it happened (the bank’s time for bank facts), RFC 3339 in UTC' }),
    source: z.string(),
    eventId: z.string(),
    details: z.record(z.string(), z.unknown()).optional().meta({
      description:
        'what the event carries; `bankTime` is the bank’s own text for `at` when it was not UTC (e.g. São Paulo local time), verbatim',
    }),
  })
  .meta({ id: 'BoletoEvent' });
const _eventMatches: z.ZodType<BoletoEvent> = EventSchema as unknown as z.ZodType<BoletoEvent>;

export const DeliverySchema = z
  .object({
    deliveryId: z.string(),
    eventSeq: z.number().int(),
    status: z.enum(['PENDING', 'DELIVERED', 'FAILED', 'SKIPPED']),
    attempts: z.number().int(),
    lastError: z.string().optional(),
    lastAttemptAt: instant.optional(),
    deliveredAt: instant.optional(),
  })
  .meta({ id: 'Delivery' });
const _deliveryMatches: z.ZodType<Delivery> = DeliverySchema;

export const BoletoIdParams = z.object({
  id: z.string().regex(/^bol-[A-Za-z0-9._-]{1,64}-[A-Z2-7]{10}$/, 'must be a boleto id'),
});
