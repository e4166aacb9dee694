/**
 * Bank onboarding for CS: create an onboarding (one per bank account), read its state and the manager e-mail, and
 * perform each CS step. Every step is an Update on the account's onboarding workflow; its validator decides whether
 * the step is allowed now (409 with what to do instead) or what is wrong with it (422). Secrets go in, never out.
 */
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowUpdateHandle,
} from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import type { Response } from 'express';
import { z } from 'zod';
import { bankModule } from '../../banks';
import { BANK_CODES } from '../../banks/descriptors';
import type { AccountDirectory } from '../../boletos/directory';
import { CertificateError } from '../../onboarding/certificate';
import type { onboarding } from '../../workflows/onboarding';
import {
  addNoteUpdate,
  cancelOnboardingUpdate,
  configureConvenioUpdate,
  type CredentialsInput,
  markBankReleasedUpdate,
  markRequestSentUpdate,
  ONBOARDING_STEPS,
  type OnboardingPolicy,
  type OnboardingView,
  onboardingStateQuery,
  onboardingWorkflowId,
  retryConnectivityUpdate,
  type StartOnboardingInput,
  submitCredentialsUpdate,
} from '../../contracts/onboarding';
import { AccountId, Bank, OnboardingStep, Stalled, TenantId } from '../../contracts/search-attributes';
import { API_BOUNDS, boundedList, boundedQuery, boundedUpdate, WorkersUnavailable } from '../../temporal/bounded';
import type { Principal } from '../auth';
import { updateRefusal } from '../failure-status';
import { sendProblem } from '../problem';
import { type ApiRoute, defineRoute } from '../route';
import {
  AccountDataBody,
  ConfigurationBody,
  CredentialsBody,
  EmailSchema,
  NoteBody,
  NoteTextBody,
  onboardingAccountId,
  OnboardingSchema,
  OnboardingSummarySchema,
  ReasonBody,
} from '../schemas/onboarding';

export interface OnboardingRouteDeps {
  client: Client;
  taskQueue: string;
  directory: AccountDirectory;
  policy: OnboardingPolicy;
  /** Where banks reach our webhooks (the e-mail to BS2 carries it). */
  publicBaseUrl: string;
  supportEmail?: string;
}

export const DEFAULT_ONBOARDING_POLICY: OnboardingPolicy = {
  remindAfterDays: 5,
  escalateAfterDays: 14,
  certificateReminderDays: 30,
  itauCarteira: '109',
};

const CS: readonly ['cs', 'operator'] = ['cs', 'operator'];
const READERS: readonly ['cs', 'operator', 'integrator'] = ['cs', 'operator', 'integrator'];
const Params = z.object({ accountId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be an onboarding account id') });
const ListQuery = z.object({
  step: z.enum(ONBOARDING_STEPS).optional(),
  bank: z.enum(BANK_CODES).optional(),
  stalled: z.enum(['true', 'false']).optional(),
});

const actor = (p: Principal) => `${p.role}:${p.keyId}`;

export function onboardingRoutes(deps: OnboardingRouteDeps): ApiRoute[] {
  const { client } = deps;
  const notFound = (res: Response, id: string) =>
    sendProblem(res, {
      type: 'not-found',
      title: 'Onboarding not found',
      status: 404,
      detail: `No onboarding ${id} in your tenant.`,
    });

  /** The onboarding's handle and view when it exists and is the caller's tenant's (otherwise 404 already sent). */
  async function owned(principal: Principal, accountId: string, res: Response) {
    const handle = client.workflow.getHandle(onboardingWorkflowId(accountId));
    try {
      const view = await boundedQuery(client, API_BOUNDS, () => handle.query(onboardingStateQuery));
      if (view.tenantId !== principal.tenantId) return void notFound(res, accountId);
      return { handle, view };
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) return void notFound(res, accountId);
      throw e;
    }
  }

  /** Runs a CS step; a refused step answers 409 (not now) or 422 (not like this) with the workflow's words. */
  async function step<A>(
    principal: Principal,
    accountId: string,
    res: Response,
    run: (h: NonNullable<Awaited<ReturnType<typeof owned>>>['handle']) => Promise<WorkflowUpdateHandle<A>>,
  ) {
    const found = await owned(principal, accountId, res);
    if (!found) return;
    if (found.view.step === 'CANCELLED')
      return sendProblem(res, {
        type: 'onboarding-step',
        title: 'The onboarding was cancelled',
        status: 409,
        detail: 'Start a new onboarding for this account.',
      });
    try {
      // Started to the accepted stage: with no worker to accept it, a fast 503 instead of an endless wait.
      const view = await boundedUpdate(client, API_BOUNDS, () => run(found.handle));
      deps.directory.invalidate(accountId);
      res.json(view);
    } catch (e) {
      const refusal = updateRefusal(e);
      if (!refusal) throw e;
      const conflict = refusal.status === 409;
      sendProblem(res, {
        type: conflict ? 'onboarding-step' : 'onboarding-input',
        title: conflict ? 'Not possible in this step' : 'The step was refused',
        status: refusal.status,
        detail: refusal.message,
      });
    }
  }

  const stepRoute = (o: {
    path: string;
    operationId: string;
    summary: string;
    body?: z.ZodType;
    handler: (ctx: { principal: Principal; accountId: string; body: unknown; res: Response }) => Promise<unknown>;
  }) =>
    defineRoute({
      method: 'post',
      path: `/v1/onboardings/:accountId/${o.path}`,
      operationId: o.operationId,
      summary: o.summary,
      tags: ['onboarding'],
      access: CS,
      request: { params: Params, ...(o.body ? { body: o.body } : {}) },
      responses: {
        200: { description: 'Done; the onboarding after the step', schema: OnboardingSchema },
        404: { description: 'No such onboarding in your tenant' },
        409: { description: 'Not possible in the current step (the detail says what to do next)' },
        422: { description: 'The step was refused (the detail says why)' },
      },
      handler: ({ principal, params, body, res }) => o.handler({ principal, accountId: params.accountId, body, res }),
    });

  return [
    defineRoute({
      method: 'post',
      path: '/v1/onboardings',
      operationId: 'createOnboarding',
      summary: 'Start onboarding a bank account (account data captured; the manager e-mail is generated)',
      tags: ['onboarding'],
      access: CS,
      request: { body: AccountDataBody },
      responses: {
        201: { description: 'Started', schema: OnboardingSchema },
        409: { description: 'This bank account is already being onboarded (or is configured statically)' },
      },
      handler: async ({ principal, body, res }) => {
        const accountId = onboardingAccountId(body);
        if (deps.directory.isStatic(accountId))
          return sendProblem(res, {
            type: 'conflict',
            title: 'Account id in use',
            status: 409,
            detail: `${accountId} is configured in the environment.`,
          });
        const base = deps.publicBaseUrl.replace(/\/$/, '');
        const input: StartOnboardingInput = {
          accountId,
          tenantId: principal.tenantId,
          data: body,
          createdAt: new Date().toISOString(),
          createdBy: actor(principal),
          policy: deps.policy,
          // The bank's module makes our webhook receiver's secrets (and a key pair when its bank needs one).
          ...bankModule(body.bank).onboardingStart(base, accountId),
          ...(deps.supportEmail ? { supportEmail: deps.supportEmail } : {}),
        };
        const start = () =>
          client.workflow.start<typeof onboarding>('onboarding', {
            workflowId: onboardingWorkflowId(accountId),
            taskQueue: deps.taskQueue,
            args: [input],
            // A cancelled onboarding may be started again; a running one may not.
            workflowIdReusePolicy: 'ALLOW_DUPLICATE',
            memo: { legalName: body.company.legalName },
            typedSearchAttributes: [
              { key: OnboardingStep, value: 'DATA_CAPTURED' },
              { key: Bank, value: body.bank },
              { key: AccountId, value: accountId },
              { key: TenantId, value: principal.tenantId },
              { key: Stalled, value: false },
            ],
          });
        try {
          let handle;
          try {
            handle = await start();
          } catch (e) {
            // A cancelled onboarding finishes its last notifications before it closes: wait for that, then start anew.
            if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
            const existing = client.workflow.getHandle(onboardingWorkflowId(accountId));
            const current = await boundedQuery(client, API_BOUNDS, () => existing.query(onboardingStateQuery)).catch(
              (q: unknown) => {
                if (q instanceof WorkersUnavailable) throw q;
                return undefined;
              },
            );
            if (current?.step !== 'CANCELLED') throw e;
            await Promise.race([
              existing.result().catch(() => undefined),
              new Promise((r) => setTimeout(r, 10_000).unref()),
            ]);
            handle = await start();
          }
          const view = await boundedQuery(client, API_BOUNDS, () => handle.query(onboardingStateQuery)).catch(
            (q: unknown) => {
              // Started durably; only its first state could not be read.
              throw q instanceof WorkersUnavailable ? new WorkersUnavailable(q.message, true) : q;
            },
          );
          deps.directory.invalidate(accountId);
          res.status(201).location(`/v1/onboardings/${accountId}`).json(view);
        } catch (e) {
          if (e instanceof WorkflowExecutionAlreadyStartedError) {
            return sendProblem(res, {
              type: 'conflict',
              title: 'Already being onboarded',
              status: 409,
              detail: `The onboarding ${accountId} is running; open it instead.`,
            });
          }
          throw e;
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/onboardings',
      operationId: 'listOnboardings',
      summary: 'Every onboarding of your tenant, with its step and age (newest first)',
      tags: ['onboarding'],
      access: READERS,
      request: { query: ListQuery },
      responses: { 200: { description: 'Onboardings', schema: z.object({ items: z.array(OnboardingSummarySchema) }) } },
      handler: async ({ principal, query, res }) => {
        // Values are validated enums, so they are safe inside the visibility query.
        const clauses = [`WorkflowType = 'onboarding'`, `TenantId = '${principal.tenantId}'`];
        if (query.step) clauses.push(`OnboardingStep = '${query.step}'`);
        if (query.bank) clauses.push(`Bank = '${query.bank}'`);
        if (query.stalled) clauses.push(`Stalled = ${query.stalled}`);
        const latest = new Map<string, z.infer<typeof OnboardingSummarySchema>>();
        await boundedList(client, API_BOUNDS, async () => {
          for await (const x of client.workflow.list({ query: clauses.join(' AND '), pageSize: 200 })) {
            const sa = decodeTypedSearchAttributes(x.raw.searchAttributes?.indexedFields);
            const accountId = sa.get(AccountId) ?? x.workflowId.replace(/^onboarding:/, '');
            if (latest.has(accountId)) continue; // an earlier (cancelled) run of the same account
            latest.set(accountId, {
              accountId,
              bank: sa.get(Bank) ?? '',
              ...(typeof x.memo?.legalName === 'string' ? { legalName: x.memo.legalName } : {}),
              step: sa.get(OnboardingStep) ?? '',
              stalled: sa.get(Stalled) ?? false,
              startedAt: x.startTime.toISOString(),
              ageDays: Math.floor((Date.now() - x.startTime.getTime()) / 86_400_000),
              status: x.status.name,
            });
            if (latest.size >= 1000) break;
          }
        });
        res.json({ items: [...latest.values()] });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/onboardings/:accountId',
      operationId: 'getOnboarding',
      summary:
        'An onboarding: step, timeline, configuration, and for cs/operator the manager e-mail (never a bank secret)',
      tags: ['onboarding'],
      access: READERS,
      request: { params: Params },
      responses: {
        200: { description: 'The onboarding', schema: OnboardingSchema },
        404: { description: 'No such onboarding in your tenant' },
      },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal, params.accountId, res);
        if (!found) return;
        // The manager e-mail carries the webhook Authorization value BS2 must send: CS and operators only.
        const { email: _email, ...withoutEmail } = found.view;
        res.json(principal.role === 'integrator' ? withoutEmail : found.view);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/onboardings/:accountId/email',
      operationId: 'getOnboardingEmail',
      summary: 'The PT-BR e-mail to the account manager (subject, body, attachments such as the Itaú public key)',
      tags: ['onboarding'],
      access: CS,
      request: { params: Params },
      responses: {
        200: { description: 'The e-mail', schema: EmailSchema },
        404: { description: 'No such onboarding in your tenant' },
      },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal, params.accountId, res);
        if (found) res.json(found.view.email);
      },
    }),
    stepRoute({
      path: 'request-sent',
      operationId: 'markOnboardingRequestSent',
      summary: 'CS sent the e-mail to the account manager',
      body: NoteBody,
      handler: ({ principal, accountId, body, res }) =>
        step(principal, accountId, res, (h) =>
          h.startUpdate(markRequestSentUpdate, {
            args: [{ by: actor(principal), ...(body as z.infer<typeof NoteBody>) }],
            waitForStage: 'ACCEPTED',
          }),
        ),
    }),
    stepRoute({
      path: 'bank-released',
      operationId: 'markOnboardingBankReleased',
      summary: 'The bank released the product for the account',
      body: NoteBody,
      handler: ({ principal, accountId, body, res }) =>
        step(principal, accountId, res, (h) =>
          h.startUpdate(markBankReleasedUpdate, {
            args: [{ by: actor(principal), ...(body as z.infer<typeof NoteBody>) }],
            waitForStage: 'ACCEPTED',
          }),
        ),
    }),
    stepRoute({
      path: 'credentials',
      operationId: 'submitOnboardingCredentials',
      summary: 'The credentials the bank sent (each bank takes its own kinds: see the body)',
      body: CredentialsBody,
      handler: async ({ principal, accountId, body, res }) => {
        const b = body as { kind: string };
        // The bank whose credential kind this is converts the body (e.g. an uploaded certificate, checked here).
        const bank = BANK_CODES.find((code) =>
          bankModule(code).onboardingCredentials.bodies.some((s) => s.shape.kind.value === b.kind),
        );
        let credentials: CredentialsInput;
        try {
          credentials = bank ? bankModule(bank).onboardingCredentials.toInput(b) : (b as CredentialsInput);
        } catch (e) {
          if (!(e instanceof CertificateError)) throw e;
          return sendProblem(res, {
            type: 'validation',
            title: 'The certificate was refused',
            status: 400,
            errors: [{ field: `body.certificate.${e.field}`, reason: e.message }],
          });
        }
        return step(principal, accountId, res, (h) =>
          h.startUpdate(submitCredentialsUpdate, {
            args: [{ by: actor(principal), credentials }],
            waitForStage: 'ACCEPTED',
          }),
        );
      },
    }),
    stepRoute({
      path: 'configuration',
      operationId: 'configureOnboarding',
      summary: 'Convênio and charge defaults; runs the connectivity check (ACTIVE when it passes)',
      body: ConfigurationBody,
      handler: ({ principal, accountId, body, res }) =>
        step(principal, accountId, res, (h) =>
          h.startUpdate(configureConvenioUpdate, {
            args: [{ by: actor(principal), configuration: body as z.infer<typeof ConfigurationBody> }],
            waitForStage: 'ACCEPTED',
          }),
        ),
    }),
    stepRoute({
      path: 'connectivity-check',
      operationId: 'checkOnboardingConnectivity',
      summary: 'Run the connectivity check again',
      handler: ({ principal, accountId, res }) =>
        step(principal, accountId, res, (h) =>
          h.startUpdate(retryConnectivityUpdate, { args: [{ by: actor(principal) }], waitForStage: 'ACCEPTED' }),
        ),
    }),
    stepRoute({
      path: 'notes',
      operationId: 'addOnboardingNote',
      summary: 'Add a note to the timeline',
      body: NoteTextBody,
      handler: ({ principal, accountId, body, res }) =>
        step(principal, accountId, res, (h) =>
          h.startUpdate(addNoteUpdate, {
            args: [{ by: actor(principal), text: (body as z.infer<typeof NoteTextBody>).text }],
            waitForStage: 'ACCEPTED',
          }),
        ),
    }),
    stepRoute({
      path: 'cancel',
      operationId: 'cancelOnboarding',
      summary: 'Cancel the onboarding (an ACTIVE account stops issuing boletos)',
      body: ReasonBody,
      handler: ({ principal, accountId, body, res }) =>
        step(principal, accountId, res, (h) =>
          h.startUpdate(cancelOnboardingUpdate, {
            args: [{ by: actor(principal), reason: (body as z.infer<typeof ReasonBody>).reason }],
            waitForStage: 'ACCEPTED',
          }),
        ),
    }),
  ];
}

export type { OnboardingView };
