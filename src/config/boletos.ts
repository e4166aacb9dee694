/** Boletos and onboarding: the environment's accounts' tenant and beneficiary, the lifecycle policy, onboarding timing. */
import { z } from 'zod';
import { emptyAsUnset, fragment } from './fields';

export const BOLETOS_CONFIG = fragment({
  shape: {
    ACCOUNTS_TENANT_ID: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a tenant id (lowercase letters, digits, -)')
      .default('demo')
      .describe('tenant owning the bank accounts configured in the environment (until onboarding)'),
    BENEFICIARY_NAME: z
      .string()
      .trim()
      .min(1)
      .default('Empresa Demonstração Ltda')
      .describe("beneficiary name printed on PDFs of the environment's accounts"),
    BENEFICIARY_DOCUMENT: z
      .string()
      .trim()
      .min(11)
      .default('11222333000181')
      .describe("beneficiary CPF/CNPJ printed on PDFs of the environment's accounts"),
    BOLETO_EXPIRE_AFTER_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(60)
      .describe('write-off (baixa) this many days after the due date when unpaid'),
    BOLETO_POLL_OPEN_EVERY_DAYS: z.coerce
      .number()
      .int()
      .min(0)
      .max(365)
      .default(7)
      .describe(
        'safety-net poll of the bank every this many days while open, before the due date (0 = only around the due date)',
      ),
    BOLETO_POLL_OVERDUE_EVERY_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(365)
      .default(1)
      .describe('safety-net poll every this many days while overdue, until write-off'),
    BOLETO_CLOSE_AFTER_DAYS: z.coerce
      .number()
      .int()
      .min(0)
      .max(365)
      .default(7)
      .describe("a final boleto's workflow stays open this long for delivery resends"),
    BOLETO_REGISTER_WAIT_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(120_000)
      .default(10_000)
      .describe("how long `POST /v1/boletos` waits for the bank's verdict before answering 202"),
    ONBOARDING_REMIND_AFTER_DAYS: z.coerce
      .number()
      .min(0.01)
      .max(365)
      .default(5)
      .describe('an onboarding step without progress reminds CS after this many days (and again every as many)'),
    ONBOARDING_ESCALATE_AFTER_DAYS: z.coerce
      .number()
      .min(0.01)
      .max(365)
      .default(14)
      .describe('an onboarding step without progress is escalated and marked `Stalled` after this many days'),
    ONBOARDING_CERT_REMINDER_DAYS: z.coerce
      .number()
      .int()
      .min(1)
      .max(180)
      .default(30)
      .describe(
        'ACTIVE Itaú accounts: from this many days before the certificate expires the onboarding renews it (then re-checks connectivity); when Itaú refuses, an expiry notice instead; attempts and notices weekly',
      ),
    ONBOARDING_SUPPORT_EMAIL: emptyAsUnset(z.email({ error: 'must be an e-mail address' })).describe(
      'copied on every manager e-mail (the seed asks to copy CS and support)',
    ),
  },
});
