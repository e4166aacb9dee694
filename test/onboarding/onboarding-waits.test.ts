/**
 * Weeks of waiting on the time-skipping server: reminders to CS on schedule, escalation to Stalled (state and
 * search attribute), progress clearing it, and refused CS steps leaving history untouched. Plus the pure wake
 * planning for the certificate expiry notices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { BankRegistry } from '../../src/banks/registry';
import { createWorker } from '../../src/worker';
import { onboarding } from '../../src/workflows/onboarding';
import {
  configureConvenioUpdate,
  markBankReleasedUpdate,
  markRequestSentUpdate,
  onboardingStateQuery,
  type StartOnboardingInput,
} from '../../src/contracts/onboarding';
import { DAY_MS, initialState, nextWake } from '../../src/workflows/onboarding-state';
import { Stalled } from '../../src/contracts/search-attributes';
import { createTimeSkippingEnv, uniqueId } from '../helpers/temporal';

const person = { name: 'Carlos Suporte', phone: '+55 11 99999-0000', email: 'carlos@acme.example' };
const input = (accountId: string): StartOnboardingInput => ({
  accountId,
  tenantId: 'acme',
  createdAt: new Date().toISOString(),
  createdBy: 'cs:test',
  policy: { remindAfterDays: 5, escalateAfterDays: 14, certificateReminderDays: 30, itauCarteira: '109' },
  webhook: { bs2: { url: 'https://boletos.example.com/webhooks/bs2/x', authorization: 'Bearer t' } },
  data: {
    bank: 'BS2',
    company: { legalName: 'Acme Ltda', cnpj: '11222333000181', city: 'Sao Paulo', state: 'SP' },
    agency: '0001',
    account: '1234567',
    accountDigit: '8',
    legalRepresentative: person,
    csContact: person,
    manager: { name: 'Bia' },
  },
});

describe('onboarding waits (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  const taskQueue = uniqueId('tq');

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      dataConverter: env.client.options.dataConverter,
      bankRegistry: new BankRegistry([]),
      activityDeps: { notifications: { webhookFor: () => Promise.resolve(undefined) } },
    });
  }, 60_000);
  afterAll(async () => {
    await env?.teardown();
  });

  it('no progress › reminder at 5 and 10 days, Stalled at 14 › a milestone clears it; refused steps change nothing', async () => {
    await worker.runUntil(async () => {
      const h = await env.client.workflow.start(onboarding, {
        taskQueue,
        workflowId: uniqueId('onboarding'),
        args: [input(uniqueId('acct'))],
      });
      const view = () => h.query(onboardingStateQuery);
      const stalledAttr = async () => (await h.describe()).typedSearchAttributes.get(Stalled);

      await env.sleep('4 days');
      expect((await view()).reminders).toBe(0);
      await env.sleep('2 days');
      let v = await view();
      expect(v.reminders).toBe(1);
      expect(v.timeline.at(-1)).toMatchObject({ kind: 'REMINDER', by: 'system', step: 'DATA_CAPTURED' });
      expect(v.timeline.at(-1)!.detail).toMatch(/No progress for 5 day\(s\) in DATA_CAPTURED; next: send the e-mail/);
      expect(v.stalled).toBeUndefined();

      await env.sleep('5 days'); // day 11
      expect((await view()).reminders).toBe(2);
      await env.sleep('4 days'); // day 15
      v = await view();
      expect(v.stalled?.reason).toMatch(/No progress for 14 day\(s\) in DATA_CAPTURED/);
      expect(v.timeline.some((e) => e.kind === 'ESCALATION')).toBe(true);
      expect(v.reminders).toBe(3);
      expect(await stalledAttr()).toBe(true);

      // Refused: out of order. The validator rejects it before it is accepted: no update event, no state change.
      // (The Java time-skipping server records a workflow task per rejected update; the real server records nothing.)
      const timelineBefore = (await view()).timeline.length;
      const accepted = async () =>
        (await h.fetchHistory()).events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
      const acceptedBefore = await accepted();
      await expect(h.executeUpdate(markBankReleasedUpdate, { args: [{ by: 'cs:test' }] })).rejects.toThrow(
        WorkflowUpdateFailedError,
      );
      const refused = await h
        .executeUpdate(configureConvenioUpdate, {
          args: [
            {
              by: 'cs:test',
              configuration: {
                convenio: { number: '1', carteira: '1', firstRemessa: 1, cnab: 240, apiVersion: 'V2' },
                chargeDefaults: { defaultKind: 'BOLETO' },
              },
            },
          ],
        })
        .then(
          () => undefined,
          (e: unknown) => e as WorkflowUpdateFailedError,
        );
      expect(refused?.cause?.message).toMatch(
        /cannot configure the convênio while the onboarding is DATA_CAPTURED; next: send the e-mail/,
      );
      expect(await accepted()).toBe(acceptedBefore);
      expect((await view()).timeline.length).toBe(timelineBefore);

      // Progress: Stalled clears, the clock restarts (next reminder 5 days after the milestone).
      v = await h.executeUpdate(markRequestSentUpdate, { args: [{ by: 'cs:carlos', note: 'e-mail enviado' }] });
      expect(v.step).toBe('REQUEST_SENT');
      expect(v.stalled).toBeUndefined();
      expect(await stalledAttr()).toBe(false);
      await env.sleep('4 days');
      expect((await view()).reminders).toBe(3);
      await env.sleep('2 days');
      v = await view();
      expect(v.reminders).toBe(4);
      expect(v.timeline.at(-1)!.detail).toMatch(/in REQUEST_SENT; next: wait for the bank to release the product/);
    });
  }, 120_000);
});

describe('certificate expiry notices (pure wake planning)', () => {
  const policy = { remindAfterDays: 5, escalateAfterDays: 14, certificateReminderDays: 30 };
  it('ACTIVE Itaú account › first notice 30 days before expiry, then weekly, then the expiry itself › nothing after that', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const notAfter = new Date(now + 100 * DAY_MS).toISOString();
    const s = initialState(input('a'), now);
    s.step = 'ACTIVE';
    s.credentials = {
      kind: 'ITAU',
      source: 'DYNAMIC',
      clientId: 'c',
      clientSecret: 's',
      certificatePem: 'p',
      privateKeyPem: 'k',
      notAfter,
      receivedAt: new Date(now).toISOString(),
    };
    expect(nextWake(s, policy)).toEqual({ at: now + 70 * DAY_MS, kind: 'CERTIFICATE' });
    s.certificateNotices = { notAfter, count: 1 };
    expect(nextWake(s, policy)).toEqual({ at: now + 77 * DAY_MS, kind: 'CERTIFICATE' });
    s.certificateNotices = { notAfter, count: 5 };
    expect(nextWake(s, policy)).toEqual({ at: now + 100 * DAY_MS, kind: 'CERTIFICATE_EXPIRED' });
    s.certificateNotices = { notAfter, count: 5, expired: true };
    expect(nextWake(s, policy)).toBeUndefined();
    // A new certificate (renewed/uploaded) starts its own notices.
    s.credentials = { ...s.credentials, notAfter: new Date(now + 465 * DAY_MS).toISOString() };
    expect(nextWake(s, policy)).toEqual({ at: now + 435 * DAY_MS, kind: 'CERTIFICATE' });
  });
});
