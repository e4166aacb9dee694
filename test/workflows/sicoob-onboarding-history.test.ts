/**
 * A Sicoob onboarding over days, for the replay test (test/workflows/replay.test.ts), the way the Itaú onboarding
 * histories were recorded: the time-skipping server, a worker without codec and stub activities whose answers are
 * scripted (what they return is in history; the workflow is what replays). The onboarding reaches ACTIVE with its
 * three Sicoob patches (the contract's nosso-número range, the type-7 webhook registered, the movement poll started:
 * refused at first, retried at the watch), the SICOOB_WEBHOOK watch wakes it (a webhook awaiting validation too long
 * escalates, validated de-escalates, found Inativo and reactivated is told to the tenant), then it is cancelled.
 * The credentials are placeholders, not a certificate or key. RECORD_HISTORIES=1 writes
 * test/fixtures/histories/sicoob-onboarding-webhook-and-poll.json; the real activities against the simulator are
 * test/onboarding/onboarding-sicoob.test.ts's.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { SICOOB_MODULE } from '../../src/banks/sicoob';
import {
  SICOOB_MOVEMENT_POLL_AT_ACTIVE,
  SICOOB_NOSSO_NUMERO_RANGE,
  SICOOB_WEBHOOK_REGISTRATION,
  type SicoobOnboardingWorkflowActivities,
} from '../../src/banks/sicoob/onboarding-workflow';
import type { SicoobWebhookCheck } from '../../src/banks/sicoob/onboarding-activities';
import {
  cancelOnboardingUpdate,
  configureConvenioUpdate,
  type ConnectivityResult,
  markBankReleasedUpdate,
  markRequestSentUpdate,
  onboardingStateQuery,
  onboardingWorkflowId,
  type StartOnboardingInput,
  submitCredentialsUpdate,
} from '../../src/contracts/onboarding';
import { WORKFLOWS_PATH } from '../../src/worker';
import { onboarding } from '../../src/workflows/onboarding';
import { historyToFile } from '../helpers/histories';
import { createTimeSkippingEnv, uniqueId } from '../helpers/temporal';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const URL_BASE = 'https://boletos.example.com';

describe('Sicoob onboarding › ACTIVE, the webhook watch, cancelled (time-skipping server, stub activities)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  it('range, webhook and poll at ACTIVE; the watch escalates, de-escalates, reactivates and retries the poll; cancelled', async () => {
    // The simulator's default beneficiary: cooperativa 4327, conta corrente 41727-0 (the account data), código do
    // cliente 0229385 (the convênio number). Recorded on d8d4517 with the earlier mapping (account data = código do
    // cliente, number = cooperativa + código do cliente); replay does not run validators, so both replay.
    const data = {
      bank: 'SICOOB' as const,
      company: { legalName: 'Acme Ltda', cnpj: '11222333000181', city: 'Brasilia', state: 'DF' },
      agency: '4327',
      account: '41727',
      accountDigit: '0',
      legalRepresentative: { name: 'Carlos Suporte', phone: '+55 61 99999-0000', email: 'carlos@acme.example' },
      csContact: { name: 'Carlos Suporte', phone: '+55 61 99999-0000', email: 'carlos@acme.example' },
      manager: { name: 'Marta Cooperativa', email: 'marta@cooperativa.example' },
    };
    const accountId = `sicoob-${data.agency}-${data.account}-${data.accountDigit}`;
    const hookUrl = `${URL_BASE}/webhooks/sicoob/${accountId}`;
    const input: StartOnboardingInput = {
      accountId,
      tenantId: 'acme',
      data,
      createdAt: new Date(await env.currentTimeMs()).toISOString(),
      createdBy: 'cs:recorder',
      policy: { remindAfterDays: 5, escalateAfterDays: 14, certificateReminderDays: 30, itauCarteira: '109' },
      ...SICOOB_MODULE.onboardingStart(URL_BASE, accountId),
    };
    expect(input.webhook.sicoob?.url).toBe(hookUrl);

    // The bank's webhook as each check finds it: created awaiting validation; still awaiting (12 h: escalated);
    // validated; found Inativo and reactivated (awaiting again); then kept.
    const check = (over: Partial<SicoobWebhookCheck>): SicoobWebhookCheck => ({
      at: '',
      message: `Sicoob webhook (tipo 7, Pagamento - Baixa operacional) to ${hookUrl}: kept 7001; situação "1 - Aguardando validação"`,
      idWebhook: 7001,
      url: hookUrl,
      codigoSituacao: 1,
      descricaoSituacao: 'Aguardando validação',
      changed: false,
      watchEveryMs: DAY_MS,
      validationTimeoutMs: 12 * HOUR_MS,
      ...over,
    });
    const webhookChecks: SicoobWebhookCheck[] = [
      check({
        changed: true,
        message: `Sicoob webhook (tipo 7, Pagamento - Baixa operacional) to ${hookUrl}: created 7001; situação "1 - Aguardando validação"`,
      }),
      check({}),
      check({
        codigoSituacao: 2,
        descricaoSituacao: 'Validado com sucesso',
        message: `Sicoob webhook (tipo 7, Pagamento - Baixa operacional) to ${hookUrl}: kept 7001; situação "2 - Validado com sucesso"`,
      }),
      check({
        changed: true,
        wasInactive: { at: '2026-01-01T10:00:00-03:00', reason: 'Falha na entrega das notificações' },
        message: `Sicoob webhook (tipo 7, Pagamento - Baixa operacional) to ${hookUrl}: reactivated 7001; situação "1 - Aguardando validação"`,
      }),
    ];
    let webhookCalls = 0;
    let pollCalls = 0;
    const notices: string[] = [];
    const activities: SicoobOnboardingWorkflowActivities & {
      onboardingCheckConnectivity(i: unknown): Promise<ConnectivityResult>;
      onboardingNotify(i: { type: string }): Promise<void>;
    } = {
      onboardingCheckConnectivity: () =>
        Promise.resolve({
          ok: true,
          at: new Date().toISOString(),
          message: 'access token obtained; nosso-número ranges answered (1 range(s))',
          checks: [{ name: 'faixas-nosso-numero', ok: true, detail: 'nosso-número ranges answered (1 range(s))' }],
        }),
      onboardingNotify: (i) => {
        notices.push(i.type);
        return Promise.resolve();
      },
      sicoobReadNossoNumeroRange: () =>
        Promise.resolve({
          at: new Date().toISOString(),
          message:
            'Nosso-número range from Sicoob (faixas-nosso-numero): 1000000–1200000, DV part of the number (false)',
          range: { first: 1_000_000, last: 1_200_000, dv: false },
        }),
      sicoobEnsureWebhook: () =>
        Promise.resolve({
          ...webhookChecks[Math.min(webhookCalls++, webhookChecks.length - 1)]!,
          at: new Date().toISOString(),
        }),
      sicoobEnsureMovementPoll: (id) => {
        if (pollCalls++ === 0)
          return Promise.reject(
            ApplicationFailure.create({
              message: 'Temporal unavailable (recorded refusal)',
              type: 'Unavailable',
              nonRetryable: true,
            }),
          );
        return Promise.resolve({ workflowId: `sicoob-movements-${id}` });
      },
    };
    const taskQueue = uniqueId('tq-sicoob-onb');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowsPath: WORKFLOWS_PATH,
      interceptors: { workflowModules: [WORKFLOWS_PATH.replace(/index\.(ts|js)$/, 'interceptors.$1')] },
      activities,
    });
    const h = await env.client.workflow.start(onboarding, {
      taskQueue,
      workflowId: onboardingWorkflowId(accountId),
      args: [input],
    });
    const view = () => h.query(onboardingStateQuery);
    const details = async () => (await view()).timeline.map((e) => e.detail);
    await worker.runUntil(async () => {
      const by = 'cs:recorder';
      await h.executeUpdate(markRequestSentUpdate, { args: [{ by }] });
      await h.executeUpdate(markBankReleasedUpdate, { args: [{ by }] });
      await h.executeUpdate(submitCredentialsUpdate, {
        args: [
          {
            by,
            credentials: {
              kind: 'SICOOB',
              clientId: '00000000-0000-4000-8000-000000000756',
              certificatePem: 'not-a-certificate (recorded history)',
              privateKeyPem: 'not-a-private-key (recorded history)',
              notAfter: new Date((await env.currentTimeMs()) + 365 * DAY_MS).toISOString(),
            },
          },
        ],
      });
      const active = await h.executeUpdate(configureConvenioUpdate, {
        args: [
          {
            by,
            configuration: {
              convenio: { number: '0229385', carteira: '1', firstRemessa: 1, cnab: 240, apiVersion: 'V1' },
              chargeDefaults: { defaultKind: 'BOLETO' },
            },
          },
        ],
      });
      expect(active.step).toBe('ACTIVE');
      expect(active.webhookRegistration).toMatchObject({ ok: true, id: '7001', status: '1 - Aguardando validação' });
      expect(await details()).toEqual(
        expect.arrayContaining([
          expect.stringContaining('Nosso-número range from Sicoob'),
          expect.stringContaining('created 7001'),
          expect.stringContaining('Sicoob movement poll not started'),
        ]),
      );

      // 12 h awaiting validation: the watch escalates, and the poll is started this time.
      await env.sleep(13 * HOUR_MS);
      expect((await view()).stalled?.reason).toContain('awaiting validation');
      expect(await details()).toContain(`Sicoob movement poll running (sicoob-movements-${accountId})`);
      // A day later it is validated: the escalation is over.
      await env.sleep(DAY_MS);
      expect((await view()).stalled).toBeUndefined();
      expect((await view()).webhookRegistration?.status).toBe('2 - Validado com sucesso');
      // A day later it is found Inativo and reactivated: the tenant is told.
      await env.sleep(DAY_MS);
      expect(notices).toContain('onboarding.webhook_inactive');

      await h.executeUpdate(cancelOnboardingUpdate, { args: [{ by, reason: 'end of the recording' }] });
      expect((await h.result()).step).toBe('CANCELLED');
    });
    expect(webhookCalls).toBeGreaterThanOrEqual(4);
    expect(notices).toEqual(
      expect.arrayContaining([
        'onboarding.movement_poll_failed',
        'onboarding.webhook_unvalidated',
        'onboarding.webhook_inactive',
      ]),
    );
    const hist = await h.fetchHistory();
    // Every payload in the history, decoded (the file holds them base64-encoded): the patches taken, and no PEM.
    const payloads: string[] = [];
    const walk = (x: unknown): void => {
      if (x instanceof Uint8Array) payloads.push(Buffer.from(x).toString('utf8'));
      else if (x && typeof x === 'object') for (const v of Object.values(x)) walk(v);
    };
    walk(hist.events);
    for (const id of [SICOOB_NOSSO_NUMERO_RANGE, SICOOB_WEBHOOK_REGISTRATION, SICOOB_MOVEMENT_POLL_AT_ACTIVE])
      expect(payloads.some((p) => p.includes(`"${id}"`))).toBe(true);
    expect(payloads.filter((p) => p.includes('-----BEGIN'))).toEqual([]);
    const json = historyToFile(hist);
    if (process.env.RECORD_HISTORIES === '1')
      writeFileSync(join(__dirname, '../fixtures/histories/sicoob-onboarding-webhook-and-poll.json'), json);
  }, 120_000);
});
