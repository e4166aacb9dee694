/**
 * Onboarding request/response schemas (validation + OpenAPI). Account data is checked here (CNPJ, Itaú account
 * DAC); step order and cross-step rules are the workflow's validators (src/workflows/onboarding-state.ts).
 */
import { bankModule } from '../../banks';
import { BANK_CODES, bankDescriptor } from '../../banks/descriptors';
import type { OnboardingCredentialBody } from '../../banks/module';
import { z } from 'zod';
import { inspectCnpj } from '../../domain';
import { basisPoints, cents, Fine, Interest } from './boleto';
import { emailAddress, freeText } from './text';
import { instant } from './time';

const text = (max: number) => freeText(max);
const digits = (n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`), `must be ${n} digits`);
const uf = z.string().regex(/^[A-Z]{2}$/, 'must be a UF such as SP');

const Person = z.strictObject({
  name: text(100),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[\d ().-]{10,20}$/, 'must be a phone number with area code'),
  email: emailAddress(),
});

export const AccountDataBody = z
  .strictObject({
    bank: z.enum(BANK_CODES),
    company: z.strictObject({
      legalName: text(100),
      cnpj: z
        .string()
        .transform((v) => v.replace(/[.\-/\s]/g, '').toUpperCase())
        .superRefine((v, ctx) => {
          const r = inspectCnpj(v);
          if (!r.valid) ctx.addIssue({ code: 'custom', message: r.reason ?? 'not a valid CNPJ' });
        })
        .meta({ description: 'numeric or alphanumeric CNPJ; punctuation is ignored', example: '11222333000181' }),
      city: text(60),
      state: uf,
    }),
    agency: digits(4),
    account: z.string().regex(/^\d{1,12}$/, 'must be the account number, digits only, without the check digit'),
    accountDigit: z.string().regex(/^[0-9X]$/, 'must be one digit (or X)'),
    operatorCode: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]{1,20}$/, 'must be letters and digits')
      .optional()
      .meta({ description: 'Itaú Empresas operator code (required for Itaú)' }),
    legalRepresentative: Person,
    csContact: Person,
    manager: z.strictObject({ name: text(100), email: emailAddress().optional() }),
  })
  .superRefine((d, ctx) => {
    // The bank's own rules for its account data (its descriptor).
    for (const i of bankDescriptor(d.bank).onboarding.accountDataIssues(d))
      ctx.addIssue({ code: 'custom', path: [i.field], message: i.message });
  })
  .meta({ id: 'OnboardingAccountData' });

/** The account id an onboarding gets: one per bank account, so the same account cannot be onboarded twice. */
export const onboardingAccountId = (d: {
  bank: string;
  agency: string;
  account: string;
  accountDigit: string;
}): string => `${d.bank.toLowerCase()}-${d.agency}-${d.account}-${d.accountDigit.toLowerCase()}`;

export const NoteBody = z.strictObject({ note: text(500).optional() });

/** Every bank's credential kinds (each bank's module says its own bodies). */
export const CredentialsBody = z
  .discriminatedUnion(
    'kind',
    BANK_CODES.flatMap((bank) => bankModule(bank).onboardingCredentials.bodies) as unknown as [
      OnboardingCredentialBody,
      ...OnboardingCredentialBody[],
    ],
  )
  .meta({ id: 'OnboardingCredentials' });

export const ConfigurationBody = z
  .strictObject({
    convenio: z.strictObject({
      number: z
        .string()
        .regex(/^\d{1,20}$/, 'must be digits only')
        .meta({
          description:
            "The convênio as the bank knows it: agency + account + digit for BS2 and Itaú, the código do cliente (numeroCliente) for Sicoob (each bank's rule is checked at the configuration step)",
        }),
      carteira: z.string().regex(/^\d{1,3}$/, 'must be up to 3 digits'),
      firstRemessa: z.number().int().min(1).max(9_999_999).default(1),
      cnab: z.literal(240, { error: 'must be 240' }).default(240),
      apiVersion: z.enum(['V1', 'V2']).default('V2').meta({ description: 'V2 allows hybrid boletos (boleto + Pix)' }),
      pixKey: freeText(77).optional(),
    }),
    chargeDefaults: z.strictObject({
      interest: Interest.optional(),
      fine: Fine.optional(),
      discount: z
        .discriminatedUnion('type', [
          z.strictObject({ type: z.literal('PERCENT'), basisPoints, daysBeforeDue: z.number().int().min(0).max(365) }),
          z.strictObject({ type: z.literal('FIXED'), cents, daysBeforeDue: z.number().int().min(0).max(365) }),
        ])
        .optional(),
      messages: z.array(text(80)).max(4).optional(),
      defaultKind: z.enum(['BOLETO', 'BOLECODE']).default('BOLETO'),
    }),
  })
  .meta({ id: 'OnboardingConfiguration' });

export const ReasonBody = z.strictObject({ reason: text(500) });
export const NoteTextBody = z.strictObject({ text: freeText(2000, { multiline: true }) });

const Timeline = z.object({
  seq: z.number(),
  at: instant,
  kind: z.string(),
  step: z.string(),
  by: z.string(),
  detail: z.string(),
});
const Email = z.object({
  to: z.string().optional(),
  cc: z.array(z.string()),
  subject: z.string(),
  body: z.string(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), content: z.string() })),
});

export const OnboardingSchema = z
  .object({
    accountId: z.string(),
    tenantId: z.string(),
    bank: z.enum(BANK_CODES),
    product: z.string(),
    step: z.string(),
    stepSince: instant,
    createdAt: instant,
    stalled: z.object({ since: instant, reason: z.string() }).optional(),
    reminders: z.number(),
    data: z.object({}).catchall(z.unknown()),
    email: Email.optional().meta({
      description: 'cs and operator keys only (it carries the BS2 webhook Authorization value)',
    }),
    credentials: z.object({}).catchall(z.unknown()).optional(),
    configuration: z.object({}).catchall(z.unknown()).optional(),
    connectivity: z
      .object({
        ok: z.boolean(),
        at: instant,
        message: z.string(),
        checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
      })
      .optional(),
    notifications: z
      .object({
        ok: z.boolean(),
        at: instant,
        message: z.string(),
        subscriptions: z.array(
          z.object({
            id: z.string(),
            type: z.enum(['BAIXA_OPERACIONAL', 'BAIXA_EFETIVA']),
            webhookUrl: z.string(),
            oauthUrl: z.string(),
            createdAt: instant.optional(),
          }),
        ),
      })
      .optional()
      .meta({
        description:
          'Itaú: the boleto-notification subscriptions registered at the bank when the account reached ACTIVE',
      }),
    certificateRenewal: z
      .object({
        ok: z.boolean(),
        at: instant,
        message: z.string(),
        previousNotAfter: z.string(),
        notAfter: z.string().optional(),
      })
      .optional()
      .meta({
        description: 'Itaú: the last renewal of the certificado dinâmico by the onboarding (inside the renewal window)',
      }),
    webhookRegistration: z
      .object({
        ok: z.boolean(),
        at: instant,
        message: z.string(),
        id: z.string().optional(),
        url: z.string().optional(),
        status: z.string().optional().meta({ description: "the bank's situation of the registration, in its words" }),
        awaitingValidationSince: instant.optional(),
      })
      .optional()
      .meta({
        description:
          'Sicoob: the type-7 webhook registered at the bank when the account reached ACTIVE, as last checked by the onboarding’s watch',
      }),
    timeline: z.array(Timeline),
  })
  .meta({ id: 'Onboarding' });

export const OnboardingSummarySchema = z
  .object({
    accountId: z.string(),
    bank: z.string(),
    legalName: z.string().optional(),
    step: z.string(),
    stalled: z.boolean(),
    startedAt: instant,
    ageDays: z.number(),
    status: z.string().meta({ description: 'workflow status: RUNNING, COMPLETED …' }),
  })
  .meta({ id: 'OnboardingSummary' });

export const EmailSchema = Email.meta({ id: 'ManagerEmail' });
