/**
 * Boletos. POST answers in the same request with the bank's verdict (the seed's "transmissão instantânea"):
 * update-with-start creates the workflow (durable before the bank is called) and waits for registration; only if
 * the bank takes longer than BOLETO_REGISTER_WAIT_MS does it answer 202 with a Location to poll.
 */
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { Response } from 'express';
import type { WorkflowHandle } from '@temporalio/client';
import { z } from 'zod';
import type { AccountDirectory, AccountInfo } from '../../boletos/directory';
import { addDays, assertDueDateReadsBack, isDomainValidationError } from '../../domain';
import { bankDescriptor } from '../../banks/descriptors';
import { requestRuleProblems, requestRulesFor } from '../../banks/request-rules';
import { boletoIdFor, deriveSeuNumero, parseBoletoId, requestFingerprint } from '../../boletos/ids';
import { renderBoletoPdf } from '../../domain/pdf';
import {
  awaitRegistrationUpdate,
  type BoletoView,
  cancelUpdate,
  changeDueDateUpdate,
  getBoletoQuery,
  registeringView,
  resendDeliveryUpdate,
  type StartBoletoInput,
} from '../../contracts/boleto';
import type { boletoLifecycle } from '../../workflows/boleto-lifecycle';
import { brtDate } from '../../workflows/boleto-schedule';
import { BOLETO_CODE_VERSION } from '../../workflows/patches';
import { AccountId, AmountCents, Bank, BoletoStatus, DueDate, SeuNumero, TenantId } from '../../contracts/search-attributes';
import type { BoletoRecords } from '../../records';
import { importFromWorkflow } from '../../records/sync';
import { API_BOUNDS, boundedUpdate } from '../../temporal/bounded';
import type { Principal } from '../auth';
import { type FieldProblem, sendProblem } from '../problem';
import { type ApiRoute, defineRoute, type RouteContext } from '../route';
import { BoletoIdParams, BoletoSchema, CreateBoletoBody, DeliverySchema, EventSchema, newDueDate } from '../schemas/boleto';
import { freeText } from '../schemas/text';

export interface BoletoRouteDeps {
  client: Client;
  taskQueue: string;
  directory: AccountDirectory;
  registerWaitMs: number;
  /** The records store: every read comes from it; creation claims its Idempotency-Key there first. */
  records: BoletoRecords;
}

/** How long POST /v1/boletos asks for the state of a boleto still registering, past the wait cap. */
const STATE_QUERY_MS = 3_000;
/** How long a read waits for a boleto's workflow when the store does not have the boleto (one from before the store). */
const READ_THROUGH_MS = 3_000;

const notFound = (res: Response, id: string) =>
  sendProblem(res, { type: 'not-found', title: 'Boleto not found', status: 404, detail: `No boleto ${id} in your tenant.` });

const unavailable = (res: Response, detail: string) => {
  res.setHeader('Retry-After', '5');
  sendProblem(res, { type: 'temporarily-unavailable', title: 'Temporarily unavailable', status: 503, detail });
};

const invalid = (res: Response, errors: FieldProblem[]) => sendProblem(res, { type: 'validation', title: 'The request has invalid fields', status: 400, errors });

/**
 * The due date goes into the barcode as a fator: refused unless a payer's bank reads the same date back on today
 * (São Paulo), by the domain's one rule (src/domain/fator.ts).
 */
function dueDateProblem(dueDate: string, today: string): FieldProblem | undefined {
  try {
    assertDueDateReadsBack(dueDate, today);
    return undefined;
  } catch (e) {
    if (isDomainValidationError(e)) return { field: 'body.dueDate', reason: e.message.replace(/^dueDate \S+ /, '') };
    throw e;
  }
}

const updateRefusal = (e: unknown): string | undefined =>
  e instanceof WorkflowUpdateFailedError ? (e.cause?.message ?? e.message).replace(/^Error: /, '') : undefined;

/** Fills interest, fine, discount, messages and (when the request did not choose) the kind from the account's defaults. */
export function applyChargeDefaults(body: CreateBoletoBody, defaults: AccountInfo['chargeDefaults'], kindUnset: boolean): void {
  if (!defaults) return;
  if (kindUnset) body.kind = defaults.defaultKind;
  if (!body.interest && defaults.interest) body.interest = defaults.interest;
  if (!body.fine && defaults.fine) body.fine = defaults.fine;
  if (!body.messages && defaults.messages?.length) body.messages = defaults.messages;
  if (!body.discount && defaults.discount) {
    const { daysBeforeDue, ...amount } = defaults.discount;
    const until = addDays(body.dueDate, -daysBeforeDue);
    // A discount window that closes before the boleto is issued would be meaningless: left out.
    if (until >= (body.issueDate ?? brtDate(Date.now()))) body.discount = { ...amount, until };
  }
}

export function boletoRoutes(deps: BoletoRouteDeps): ApiRoute[] {
  const { client } = deps;

  const { records } = deps;

  /**
   * The boleto from the records store if it is the caller's (otherwise: 404 already sent). A boleto from before the
   * store is read from its workflow once and imported (read-through); with no workflow either, it does not exist.
   */
  async function owned(principal: Principal, id: string, res: Response): Promise<{ handle: WorkflowHandle; view: BoletoView } | undefined> {
    if (!parseBoletoId(id)) return void notFound(res, id);
    let view = await records.get(principal.tenantId, id);
    if (!view && !(await records.exists(id))) {
      try {
        const imported = await client.withDeadline(Date.now() + READ_THROUGH_MS, () => importFromWorkflow(client, records, id));
        if (imported.found) view = await records.get(principal.tenantId, id);
      } catch {
        return void unavailable(res, 'This boleto is not in the records store yet and its workflow cannot be read right now.');
      }
    }
    if (!view) return void notFound(res, id);
    return { handle: client.workflow.getHandle(id), view };
  }

  /** What we answer is what the next GET reads; best effort (the workflow's own record of the event follows). */
  const remember = (view: BoletoView, log: RouteContext<undefined, undefined, undefined>['log']) =>
    records.recordView(view, 0).catch((err: unknown) => log.warn({ err }, 'records: answer not written (the workflow records it)'));

  const keyReused = (res: Response, detail?: string) =>
    sendProblem(res, { type: 'idempotency-key-reused', title: 'Idempotency-Key already used for a different request', status: 422, ...(detail ? { detail } : {}) });

  function answerCreated(res: Response, view: BoletoView, replay: boolean) {
    res.setHeader('Location', `/v1/boletos/${view.id}`);
    if (replay) res.setHeader('Idempotent-Replayed', 'true');
    if (view.status === 'REJECTED') {
      return sendProblem(res, {
        type: 'bank-rejected',
        title: 'The bank rejected the boleto',
        status: 422,
        detail: view.rejection?.reasons.map((r) => `${r.field}: ${r.message}`).join('; '),
        errors: (view.rejection?.reasons ?? []).map((r) => ({ field: r.field, reason: r.message })),
        boleto: view,
      });
    }
    res.status(view.status === 'REGISTERING' ? 202 : 201).json(view);
  }

  return [
    defineRoute({
      method: 'post',
      path: '/v1/boletos',
      operationId: 'createBoleto',
      summary: 'Issue a boleto and get the bank’s verdict in the same request',
      description:
        'Idempotent by the Idempotency-Key header: the same key and body return the same boleto and the first answer; ' +
        'the same key with another body is refused (422). 201 registered, 422 rejected by the bank (its reasons), ' +
        '202 when the bank has not answered within the wait cap (poll the Location).',
      tags: ['boletos'],
      access: ['integrator'],
      request: {
        headers: z.object({ 'idempotency-key': z.string().regex(/^[\x21-\x7e]{1,255}$/, 'required: 1-255 printable ASCII characters') }),
        body: CreateBoletoBody,
      },
      responses: {
        201: { description: 'Registered at the bank', schema: BoletoSchema },
        202: { description: 'Still registering; poll the Location', schema: BoletoSchema },
        404: { description: 'No such account in your tenant' },
        409: { description: 'The account cannot issue boletos (not ACTIVE)' },
        422: {
          description:
            'Rejected by the bank (errors lists its reasons); refused before any bank call because the account’s bank is known not to ' +
            'accept it (type bank-would-refuse: e.g. BS2’s R$ 5,00 minimum and R$ 500.000,00 maximum, an alphanumeric CNPJ; errors names our field); ' +
            'or Idempotency-Key reused with another body',
        },
      },
      handler: async ({ principal, headers, body, req, res, log }) => {
        const account = await deps.directory.resolveForTenant(principal.tenantId, body.accountId);
        if (!account) return sendProblem(res, { type: 'not-found', title: 'Account not found', status: 404, detail: `No account ${body.accountId} in your tenant.` });
        if (!account.active) return sendProblem(res, { type: 'account-not-active', title: 'Account not active', status: 409, detail: 'Boletos can only be issued on ACTIVE accounts.' });
        const today = brtDate(Date.now());
        if (body.dueDate < today) return invalid(res, [{ field: 'body.dueDate', reason: `must be today (${today}) or later` }]);
        const beyondWindow = dueDateProblem(body.dueDate, today);
        if (beyondWindow) return invalid(res, [beyondWindow]);
        // The account's charge defaults (onboarding) fill what the request does not say; the fingerprint below is of
        // the request as sent, so a retry with the same body matches even if the defaults changed meanwhile.
        applyChargeDefaults(body, account.chargeDefaults, (req.body as { kind?: unknown }).kind === undefined);
        const rules = account.requestRules ?? requestRulesFor(account.bank);
        if (body.kind === 'BOLECODE' && !rules.capabilities.has('BOLECODE')) return invalid(res, [{ field: 'body.kind', reason: `${account.bank} accounts issue BOLETO only` }]);
        // What the bank is known to refuse is answered now, naming our field: no key claimed, no workflow, no bank call.
        const refused = requestRuleProblems(rules, body, account.bank);
        if (refused.length) {
          return sendProblem(res, {
            type: 'bank-would-refuse',
            title: 'The account’s bank does not accept this boleto',
            status: 422,
            errors: refused.map((p) => ({ field: `body.${p.field}`, reason: p.reason })),
          });
        }

        const key = headers['idempotency-key']!;
        const seuNumero = deriveSeuNumero(principal.tenantId, account.accountId, key);
        const id = boletoIdFor(account.accountId, seuNumero);
        const fingerprint = requestFingerprint(req.body);
        const input: StartBoletoInput = {
          boletoId: id,
          tenantId: principal.tenantId,
          accountId: account.accountId,
          bank: account.bank,
          requestFingerprint: fingerprint,
          chooseNossoNumero: account.chooseNossoNumero,
          createdAt: new Date().toISOString(),
          policy: account.policy,
          codeVersion: BOLETO_CODE_VERSION,
          ...(body.reference ? { reference: body.reference } : {}),
          request: {
            seuNumero,
            kind: body.kind,
            amountCents: body.amountCents,
            issueDate: body.issueDate ?? today,
            dueDate: body.dueDate,
            payer: body.payer,
            ...(body.paymentDeadline ? { paymentDeadline: body.paymentDeadline } : {}),
            ...(body.interest ? { interest: body.interest } : {}),
            ...(body.fine ? { fine: body.fine } : {}),
            ...(body.discount ? { discount: body.discount } : {}),
            ...(body.messages ? { messages: body.messages } : {}),
            ...(body.finalBeneficiary ? { finalBeneficiary: body.finalBeneficiary } : {}),
            ...(body.guarantor ? { guarantor: body.guarantor } : {}),
          },
        };
        // The key is claimed in the records store, forever, before anything else: a replay is answered from there (no
        // Temporal call, no bank call), long after the workflow is gone.
        const claim = await records.claimKey({ tenantId: principal.tenantId, key, fingerprint, registering: registeringView(input), payer: body.payer, messages: body.messages ?? [], beneficiary: account.beneficiary });
        if (claim.outcome === 'conflict') return keyReused(res);
        if (claim.outcome === 'replay') return answerCreated(res, claim.view, true);
        const start = new WithStartWorkflowOperation<typeof boletoLifecycle>('boletoLifecycle', {
          workflowId: id,
          taskQueue: deps.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          // A finished boleto's key is never reused for a new boleto (the records store holds it forever, too).
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: BoletoStatus, value: 'REGISTERING' },
            { key: Bank, value: account.bank },
            { key: AccountId, value: account.accountId },
            { key: TenantId, value: principal.tenantId },
            { key: DueDate, value: new Date(`${body.dueDate}T00:00:00-03:00`) },
            { key: SeuNumero, value: seuNumero },
            { key: AmountCents, value: body.amountCents },
          ],
        });
        let view: BoletoView;
        try {
          const verdict = client.workflow.executeUpdateWithStart(awaitRegistrationUpdate, { args: [{ requestFingerprint: fingerprint }], startWorkflowOperation: start });
          const capped = new Promise<undefined>((r) => setTimeout(() => r(undefined), deps.registerWaitMs).unref());
          const first = await Promise.race([verdict, capped]);
          verdict.catch(() => undefined); // answered 202 meanwhile: the workflow carries on
          // Past the cap the boleto's state is asked for; with no worker running (all restarting) nothing can answer,
          // but the workflow exists (durable since update-with-start): 202 with what the request said, not a 500.
          view = first ?? (await client.withDeadline(Date.now() + STATE_QUERY_MS, () => client.workflow.getHandle(id).query(getBoletoQuery)).catch(() => registeringView(input)));
        } catch (e) {
          const refusal = updateRefusal(e);
          if (refusal?.startsWith('IDEMPOTENCY_KEY_REUSED')) return keyReused(res, refusal.replace(/^IDEMPOTENCY_KEY_REUSED: /, ''));
          if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
          // The workflow finished before the store knew its verdict (a boleto from before the store): ask the store.
          const stored = await records.get(principal.tenantId, id);
          if (!stored || stored.status === 'REGISTERING') return unavailable(res, 'This boleto’s first answer is not recorded yet; retry shortly.');
          return answerCreated(res, stored, true);
        }
        // The workflow records the same verdict as the key's first answer when it notifies: a store hiccup here must not
        // turn a registered boleto into an error.
        await records.answerKey(principal.tenantId, key, view).catch((err: unknown) => log.warn({ err }, 'records: first answer not written (the workflow writes it)'));
        answerCreated(res, view, claim.outcome === 'pending' && view.createdAt !== input.createdAt);
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/boletos/:id',
      operationId: 'getBoleto',
      summary: 'One boleto: status (PAID is not SETTLED), bank numbers, barcode, linha digitável, Pix',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { params: BoletoIdParams },
      responses: { 200: { description: 'The boleto', schema: BoletoSchema }, 404: { description: 'No such boleto in your tenant' } },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal, params.id, res);
        if (found) res.json(found.view);
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/boletos/:id/events',
      operationId: 'listBoletoEvents',
      summary: 'The boleto’s ordered event list',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { params: BoletoIdParams },
      responses: { 200: { description: 'Events, oldest first', schema: z.object({ items: z.array(EventSchema) }) }, 404: { description: 'No such boleto in your tenant' } },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal, params.id, res);
        if (found) res.json({ items: (await records.events(principal.tenantId, params.id)) ?? [] });
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/boletos/:id/deliveries',
      operationId: 'listBoletoDeliveries',
      summary: 'Notifications sent to your system for this boleto',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { params: BoletoIdParams },
      responses: { 200: { description: 'Deliveries', schema: z.object({ items: z.array(DeliverySchema) }) }, 404: { description: 'No such boleto in your tenant' } },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal, params.id, res);
        if (found) res.json({ items: (await records.deliveries(principal.tenantId, params.id)) ?? [] });
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/boletos/:id/deliveries/:deliveryId/resend',
      operationId: 'resendBoletoDelivery',
      summary: 'Send a notification again',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { params: BoletoIdParams.extend({ deliveryId: z.string().regex(/^bol-[A-Za-z0-9._-]+:\d{1,6}$/, 'must be a delivery id') }) },
      responses: { 202: { description: 'Queued', schema: DeliverySchema }, 404: { description: 'No such boleto or delivery' }, 409: { description: 'Still being attempted' } },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal, params.id, res);
        if (!found) return;
        try {
          res.status(202).json(await boundedUpdate(client, API_BOUNDS, () => found.handle.startUpdate(resendDeliveryUpdate, { args: [{ deliveryId: params.deliveryId }], waitForStage: 'ACCEPTED' })));
        } catch (e) {
          const refusal = updateRefusal(e);
          if (!refusal) throw e;
          sendProblem(res, { type: refusal.startsWith('no delivery') ? 'not-found' : 'conflict', title: refusal, status: refusal.startsWith('no delivery') ? 404 : 409 });
        }
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/boletos/:id/cancel',
      operationId: 'cancelBoleto',
      summary: 'Cancel (baixa) the boleto at the bank',
      description: 'If the bank identifies a payment while the cancellation is in flight, the payment wins: 409 with the boleto PAID.',
      tags: ['boletos'],
      access: ['integrator'],
      request: { params: BoletoIdParams, body: z.strictObject({ reason: freeText(200, { min: 3 }) }) },
      responses: {
        200: { description: 'Cancelled at the bank', schema: BoletoSchema },
        202: { description: 'Accepted by the bank, confirmation pending', schema: BoletoSchema },
        404: { description: 'No such boleto in your tenant' },
        409: { description: 'Not cancellable in its status (or paid meanwhile)' },
        422: { description: 'The bank refused the cancellation' },
      },
      handler: async ({ principal, params, body, res, log }) => {
        const found = await owned(principal, params.id, res);
        if (!found) return;
        let view: BoletoView;
        try {
          view = await boundedUpdate(client, API_BOUNDS, () => found.handle.startUpdate(cancelUpdate, { args: [{ reason: body.reason, requestedAt: new Date().toISOString() }], waitForStage: 'ACCEPTED' }));
          await remember(view, log);
        } catch (e) {
          const refusal = updateRefusal(e);
          if (!refusal) throw e;
          const byBank = refusal.startsWith('the bank refused');
          return sendProblem(res, { type: byBank ? 'bank-rejected' : 'conflict', title: refusal, status: byBank ? 422 : 409 });
        }
        if (view.status === 'CANCELLED') return void res.json(view);
        if (view.status === 'CANCELLING') return void res.status(202).json(view);
        sendProblem(res, { type: 'conflict', title: `The boleto is ${view.status}: the payment came first`, status: 409, boleto: view });
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/boletos/:id/due-date',
      operationId: 'changeBoletoDueDate',
      summary: 'Change the due date at the bank',
      tags: ['boletos'],
      access: ['integrator'],
      request: { params: BoletoIdParams, body: z.strictObject({ dueDate: newDueDate }) },
      responses: {
        200: { description: 'Changed', schema: BoletoSchema },
        404: { description: 'No such boleto in your tenant' },
        409: { description: 'Not allowed in its status' },
        422: { description: 'Invalid date, or refused by the bank' },
      },
      handler: async ({ principal, params, body, res, log }) => {
        const beyondWindow = dueDateProblem(body.dueDate, brtDate(Date.now()));
        if (beyondWindow) return invalid(res, [beyondWindow]);
        const found = await owned(principal, params.id, res);
        if (!found) return;
        try {
          const view = await boundedUpdate(client, API_BOUNDS, () => found.handle.startUpdate(changeDueDateUpdate, { args: [{ dueDate: body.dueDate, requestedAt: new Date().toISOString() }], waitForStage: 'ACCEPTED' }));
          await remember(view, log);
          res.json(view);
        } catch (e) {
          const refusal = updateRefusal(e);
          if (!refusal) throw e;
          const status = /cannot change while|in progress/.test(refusal) ? 409 : 422;
          sendProblem(res, { type: status === 409 ? 'conflict' : 'validation', title: refusal, status, ...(status === 422 ? { errors: [{ field: 'body.dueDate', reason: refusal }] } : {}) });
        }
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/boletos/:id/pdf',
      operationId: 'getBoletoPdf',
      summary: 'The boleto as a PDF (FEBRABAN layout, with the Pix QR code of a bolecode)',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { params: BoletoIdParams },
      responses: { 200: { description: 'PDF', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf' }, 404: { description: 'No such boleto' }, 409: { description: 'Not registered (no barcode)' } },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal, params.id, res);
        if (!found) return;
        const printable = await records.printable(principal.tenantId, params.id);
        const { boleto, payer, messages } = printable ?? { boleto: found.view, messages: [] };
        if (!boleto.barcode && !boleto.linhaDigitavel) return sendProblem(res, { type: 'conflict', title: `A ${boleto.status} boleto has no barcode to print`, status: 409 });
        if (!payer) return unavailable(res, 'The payer of this boleto is not in the records store yet (the drift repair imports it).');
        // As printed at issue; boletos imported from Temporal take the account's current data.
        const beneficiary = printable?.beneficiary ?? (await deps.directory.resolve(boleto.accountId).catch(() => undefined))?.beneficiary;
        if (!beneficiary) return unavailable(res, 'The beneficiary of this boleto cannot be read right now.');
        const pdf = await renderBoletoPdf({
          bank: { code: bankDescriptor(boleto.bank).number, name: bankDescriptor(boleto.bank).name },
          beneficiary: { name: beneficiary.name, document: beneficiary.document, agencyAccount: beneficiary.agencyAccount },
          payer: { name: payer.name, document: payer.document, address: [`${payer.address.street}, ${payer.address.number}`, `${payer.address.district} - ${payer.address.city}/${payer.address.state} - ${payer.address.zipCode}`] },
          nossoNumero: boleto.nossoNumero ?? '',
          documentNumber: boleto.seuNumero,
          issueDate: boleto.issueDate,
          dueDate: boleto.dueDate,
          amountCents: boleto.amountCents,
          instructions: messages,
          ...(boleto.barcode ? { barcode: boleto.barcode } : { linhaDigitavel: boleto.linhaDigitavel! }),
          ...(boleto.pix ? { pixEmv: boleto.pix.emv } : {}),
        });
        res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${boleto.id}.pdf"`);
        res.send(pdf);
      },
    }),
  ];
}
