/** Boletos and onboarding: the environment's accounts' tenant and beneficiary, the lifecycle policy, onboarding timing. */
import { z } from 'zod';
import { emptyAsUnset, fragment } from './fields';

export const BOLETOS_CONFIG = fragment({
  shape: {
    /** Tenant owning the bank accounts configured in this environment (until onboarding assigns accounts). */
    ACCOUNTS_TENANT_ID: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a tenant id (lowercase letters, digits, -)').default('demo'),
    /** Beneficiary printed on boleto PDFs for the environment's accounts. */
    BENEFICIARY_NAME: z.string().trim().min(1).default('Empresa Demonstração Ltda'),
    BENEFICIARY_DOCUMENT: z.string().trim().min(11).default('11222333000181'),
    /** Days after the due date when an unpaid boleto is written off (a bank's payment window, e.g. 60 days after due). */
    BOLETO_EXPIRE_AFTER_DAYS: z.coerce.number().int().min(1).max(3650).default(60),
    /** Poll the bank every N days while open before the due date (0 = only around the due date). */
    BOLETO_POLL_OPEN_EVERY_DAYS: z.coerce.number().int().min(0).max(365).default(7),
    /** Poll every N days while overdue, until write-off. */
    BOLETO_POLL_OVERDUE_EVERY_DAYS: z.coerce.number().int().min(1).max(365).default(1),
    /** After a final status, keep the workflow open N days for notification resends. */
    BOLETO_CLOSE_AFTER_DAYS: z.coerce.number().int().min(0).max(365).default(7),
    /** POST /v1/boletos waits this long for the bank's verdict before answering 202. */
    BOLETO_REGISTER_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    /** Onboarding (CS) timing: reminders and escalation while a step waits, and the certificate expiry reminder. */
    ONBOARDING_REMIND_AFTER_DAYS: z.coerce.number().min(0.01).max(365).default(5),
    ONBOARDING_ESCALATE_AFTER_DAYS: z.coerce.number().min(0.01).max(365).default(14),
    ONBOARDING_CERT_REMINDER_DAYS: z.coerce.number().int().min(1).max(180).default(30),
    /** Copied on the manager e-mail (the seed asks to copy CS and support). */
    ONBOARDING_SUPPORT_EMAIL: emptyAsUnset(z.email({ error: 'must be an e-mail address' })),
  },
});
