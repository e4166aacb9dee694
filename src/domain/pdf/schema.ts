/**
 * The JSON description of a boleto to print (used by `boleto pdf <json-file>` and by the API). Amounts are integer
 * cents, dates ISO 'YYYY-MM-DD'. Either `barcode` or `linhaDigitavel` is required; the other is derived.
 */
import { z } from 'zod';
import { isIsoDate } from '../dates';

const isoDate = z.string().refine(isIsoDate, { message: 'must be a calendar date YYYY-MM-DD' });
const cents = z
  .number()
  .int()
  .nonnegative()
  .refine(Number.isSafeInteger, { message: 'must be a safe integer number of cents' });

const party = z.object({
  name: z.string().min(1),
  /** CPF or CNPJ (validated, printed formatted). */
  document: z.string().min(1),
  /** Printed address lines. */
  address: z.array(z.string()).max(3).default([]),
});

export const boletoPdfSchema = z
  .object({
    bank: z.object({
      code: z.string().regex(/^\d{3}$/),
      name: z.string().min(1),
      /** Printed "341-7"; computed (mod 11) when absent. */
      codeWithDv: z
        .string()
        .regex(/^\d{3}-[0-9X]$/)
        .optional(),
    }),
    beneficiary: party.extend({
      /** "Agência/Código do Beneficiário" as printed, e.g. "1500/05206-1". */
      agencyAccount: z.string().min(1),
    }),
    payer: party,
    guarantor: party.optional(),
    /** Nosso número as printed, e.g. "109/12345678-4". */
    nossoNumero: z.string().min(1),
    documentNumber: z.string().default(''),
    issueDate: isoDate,
    processingDate: isoDate.optional(),
    /** null = "Contra-apresentação" (fator 0000). */
    dueDate: isoDate.nullable(),
    amountCents: cents,
    discountCents: cents.optional(),
    carteira: z.string().default(''),
    especieDoc: z.string().default('DM'),
    aceite: z.string().default('N'),
    paymentPlace: z.string().default('Pagável em qualquer banco até o vencimento'),
    instructions: z.array(z.string()).max(8).default([]),
    /** Recibo do pagador "Demonstrativo" lines. */
    description: z.array(z.string()).max(4).default([]),
    barcode: z.string().optional(),
    linhaDigitavel: z.string().optional(),
    /** Pix "copia e cola" of a hybrid boleto (bolecode); printed as a QR code. */
    pixEmv: z.string().optional(),
  })
  .refine((b) => b.barcode !== undefined || b.linhaDigitavel !== undefined, {
    message: 'barcode or linhaDigitavel is required',
    path: ['barcode'],
  });

export type BoletoPdfInput = z.input<typeof boletoPdfSchema>;
export type BoletoPdfData = z.output<typeof boletoPdfSchema>;
