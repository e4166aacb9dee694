/**
 * The boleto service: what the boleto endpoints do, without HTTP. Creation is idempotent end to end (the records store
 * claims the Idempotency-Key first, update-with-start creates the workflow, durable before the bank is called, and
 * waits for the bank's verdict up to a cap); reads come from the records store (read-through from the workflow for a
 * boleto from before the store); cancel, due-date change and resend are the workflow's updates. Every outcome is a
 * value the routes (src/api/routes/boletos.ts) turn into an answer; a refused update is thrown as the client's
 * WorkflowUpdateFailedError, which the routes map by its failure type (src/api/failure-status.ts).
 */
import {
  type Client,
  type WorkflowHandle,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/client';
import type { AccountDirectory, AccountInfo } from '../../boletos/directory';
import { requestRuleProblems, requestRulesFor } from '../../banks/request-rules';
import { boletoIdFor, deriveSeuNumero, parseBoletoId, requestFingerprint } from '../../boletos/ids';
import {
  awaitRegistrationUpdate,
  type BoletoView,
  cancelUpdate,
  changeDueDateUpdate,
  type Delivery,
  getBoletoQuery,
  registeringView,
  resendDeliveryUpdate,
  type StartBoletoInput,
} from '../../contracts/boleto';
import { Failure } from '../../contracts/failures';
import {
  AccountId,
  AmountCents,
  Bank,
  BoletoStatus,
  DueDate,
  SeuNumero,
  TenantId,
} from '../../contracts/search-attributes';
import { addDays, assertDueDateReadsBack, isDomainValidationError, saoPauloDate, saoPauloInstant } from '../../domain';
import type { Logger } from '../../logging';
import type { BoletoRecords } from '../../records';
import { importFromWorkflow } from '../../records/sync';
import { API_BOUNDS, boundedUpdate } from '../../temporal/bounded';
import type { boletoLifecycle } from '../../workflows/boleto-lifecycle';
import { BOLETO_CODE_VERSION } from '../../workflows/patches';
import { updateRefusal } from '../failure-status';
import type { FieldProblem } from '../problem';
import type { CreateBoletoBody } from '../schemas/boleto';

export interface BoletoServiceDeps {
  client: Client;
  taskQueue: string;
  directory: AccountDirectory;
  registerWaitMs: number;
  /** The records store: every read comes from it; creation claims its Idempotency-Key there first. */
  records: BoletoRecords;
}

/** How long creation asks for the state of a boleto still registering, past the wait cap. */
const STATE_QUERY_MS = 3_000;
/** How long a read waits for a boleto's workflow when the store does not have the boleto (one from before the store). */
const READ_THROUGH_MS = 3_000;

/** The caller's boleto: its workflow's handle and its view from the records store. */
export interface OwnedBoleto {
  handle: WorkflowHandle;
  view: BoletoView;
}

/** What creation answers; every kind but `answer` is a refusal before or instead of a new boleto. */
export type CreateOutcome =
  /** The boleto as it stands (registered, rejected, or still registering); `replay` when it is a previous answer. */
  | { kind: 'answer'; view: BoletoView; replay: boolean }
  | { kind: 'account-not-found' }
  | { kind: 'account-not-active' }
  /** Our own rules refused a field (the due date, the kind). */
  | { kind: 'invalid'; errors: FieldProblem[] }
  /** The account's bank is known to refuse this request (errors name our fields). */
  | { kind: 'bank-would-refuse'; errors: FieldProblem[] }
  | { kind: 'key-reused'; detail?: string }
  | { kind: 'unavailable'; detail: string };

/**
 * The due date goes into the barcode as a fator: refused unless a payer's bank reads the same date back on today
 * (São Paulo), by the domain's one rule (src/domain/fator.ts).
 */
export function dueDateProblem(dueDate: string, today: string): FieldProblem | undefined {
  try {
    assertDueDateReadsBack(dueDate, today);
    return undefined;
  } catch (e) {
    if (isDomainValidationError(e)) return { field: 'body.dueDate', reason: e.message.replace(/^dueDate \S+ /, '') };
    throw e;
  }
}

/** Fills interest, fine, discount, messages and (when the request did not choose) the kind from the account's defaults. */
export function applyChargeDefaults(
  body: CreateBoletoBody,
  defaults: AccountInfo['chargeDefaults'],
  kindUnset: boolean,
): void {
  if (!defaults) return;
  if (kindUnset) body.kind = defaults.defaultKind;
  if (!body.interest && defaults.interest) body.interest = defaults.interest;
  if (!body.fine && defaults.fine) body.fine = defaults.fine;
  if (!body.messages && defaults.messages?.length) body.messages = defaults.messages;
  if (!body.discount && defaults.discount) {
    const { daysBeforeDue, ...amount } = defaults.discount;
    const until = addDays(body.dueDate, -daysBeforeDue);
    // A discount window that closes before the boleto is issued would be meaningless: left out.
    if (until >= (body.issueDate ?? saoPauloDate(Date.now()))) body.discount = { ...amount, until };
  }
}

export function boletoService(deps: BoletoServiceDeps) {
  const { client, records } = deps;

  /** What we answer is what the next GET reads; best effort (the workflow's own record of the event follows). */
  const remember = (view: BoletoView, log: Logger) =>
    records
      .recordView(view, 0)
      .catch((err: unknown) => log.warn({ err }, 'records: answer not written (the workflow records it)'));

  /** The workflow's input for a new boleto: the request after the account's defaults, under our identifiers. */
  function startInput(
    tenantId: string,
    account: AccountInfo,
    body: CreateBoletoBody,
    key: string,
    fingerprint: string,
    today: string,
  ): StartBoletoInput {
    const seuNumero = deriveSeuNumero(tenantId, account.accountId, key);
    return {
      boletoId: boletoIdFor(account.accountId, seuNumero),
      tenantId,
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
  }

  /** Starts the workflow (or finds it) and waits for the bank's verdict up to the cap. */
  async function startAndAwait(
    input: StartBoletoInput,
    account: AccountInfo,
  ): Promise<CreateOutcome | { kind: 'started'; view: BoletoView }> {
    const { boletoId: id, tenantId, request } = input;
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
        { key: TenantId, value: tenantId },
        { key: DueDate, value: new Date(saoPauloInstant(request.dueDate)) },
        { key: SeuNumero, value: request.seuNumero },
        { key: AmountCents, value: request.amountCents },
      ],
    });
    try {
      const verdict = client.workflow.executeUpdateWithStart(awaitRegistrationUpdate, {
        args: [{ requestFingerprint: input.requestFingerprint }],
        startWorkflowOperation: start,
      });
      const capped = new Promise<undefined>((r) => setTimeout(() => r(undefined), deps.registerWaitMs).unref());
      const first = await Promise.race([verdict, capped]);
      verdict.catch(() => undefined); // answered 202 meanwhile: the workflow carries on
      // Past the cap the boleto's state is asked for; with no worker running (all restarting) nothing can answer,
      // but the workflow exists (durable since update-with-start): 202 with what the request said, not a 500.
      const view =
        first ??
        (await client
          .withDeadline(Date.now() + STATE_QUERY_MS, () => client.workflow.getHandle(id).query(getBoletoQuery))
          .catch(() => registeringView(input)));
      return { kind: 'started', view };
    } catch (e) {
      const refusal = updateRefusal(e);
      if (refusal?.type === Failure.IdempotencyKeyReused) return { kind: 'key-reused', detail: refusal.message };
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
      // The workflow finished before the store knew its verdict (a boleto from before the store): ask the store.
      const stored = await records.get(tenantId, id);
      if (!stored || stored.status === 'REGISTERING')
        return { kind: 'unavailable', detail: 'This boleto’s first answer is not recorded yet; retry shortly.' };
      return { kind: 'answer', view: stored, replay: true };
    }
  }

  return {
    /**
     * Issues a boleto, or answers again for the same Idempotency-Key and body. `sent` is the body as the client sent
     * it (its fingerprint; whether it chose a kind); `body` is parsed and gets the account's charge defaults.
     */
    async create(
      tenantId: string,
      key: string,
      body: CreateBoletoBody,
      sent: unknown,
      log: Logger,
    ): Promise<CreateOutcome> {
      const account = await deps.directory.resolveForTenant(tenantId, body.accountId);
      if (!account) return { kind: 'account-not-found' };
      if (!account.active) return { kind: 'account-not-active' };
      const today = saoPauloDate(Date.now());
      if (body.dueDate < today)
        return { kind: 'invalid', errors: [{ field: 'body.dueDate', reason: `must be today (${today}) or later` }] };
      const beyondWindow = dueDateProblem(body.dueDate, today);
      if (beyondWindow) return { kind: 'invalid', errors: [beyondWindow] };
      // The account's charge defaults (onboarding) fill what the request does not say; the fingerprint below is of
      // the request as sent, so a retry with the same body matches even if the defaults changed meanwhile.
      applyChargeDefaults(body, account.chargeDefaults, (sent as { kind?: unknown }).kind === undefined);
      const rules = account.requestRules ?? requestRulesFor(account.bank);
      if (body.kind === 'BOLECODE' && !rules.capabilities.has('BOLECODE'))
        return {
          kind: 'invalid',
          errors: [{ field: 'body.kind', reason: `${account.bank} accounts issue BOLETO only` }],
        };
      // What the bank is known to refuse is answered now, naming our field: no key claimed, no workflow, no bank call.
      const refused = requestRuleProblems(rules, body, account.bank);
      if (refused.length)
        return {
          kind: 'bank-would-refuse',
          errors: refused.map((p) => ({ field: `body.${p.field}`, reason: p.reason })),
        };

      const fingerprint = requestFingerprint(sent);
      const input = startInput(tenantId, account, body, key, fingerprint, today);
      // The key is claimed in the records store, forever, before anything else: a replay is answered from there (no
      // Temporal call, no bank call), long after the workflow is gone.
      const claim = await records.claimKey({
        tenantId,
        key,
        fingerprint,
        registering: registeringView(input),
        payer: body.payer,
        messages: body.messages ?? [],
        beneficiary: account.beneficiary,
      });
      if (claim.outcome === 'conflict') return { kind: 'key-reused' };
      if (claim.outcome === 'replay') return { kind: 'answer', view: claim.view, replay: true };
      const started = await startAndAwait(input, account);
      if (started.kind !== 'started') return started;
      const { view } = started;
      // The workflow records the same verdict as the key's first answer when it notifies: a store hiccup here must not
      // turn a registered boleto into an error.
      await records
        .answerKey(tenantId, key, view)
        .catch((err: unknown) => log.warn({ err }, 'records: first answer not written (the workflow writes it)'));
      return { kind: 'answer', view, replay: claim.outcome === 'pending' && view.createdAt !== input.createdAt };
    },

    /**
     * The boleto from the records store if it is the tenant's. A boleto from before the store is read from its workflow
     * once and imported (read-through); with no workflow either, it does not exist.
     */
    async owned(tenantId: string, id: string): Promise<OwnedBoleto | 'not-found' | 'unavailable'> {
      if (!parseBoletoId(id)) return 'not-found';
      let view = await records.get(tenantId, id);
      if (!view && !(await records.exists(id))) {
        try {
          const imported = await client.withDeadline(Date.now() + READ_THROUGH_MS, () =>
            importFromWorkflow(client, records, id),
          );
          if (imported.found) view = await records.get(tenantId, id);
        } catch {
          return 'unavailable';
        }
      }
      if (!view) return 'not-found';
      return { handle: client.workflow.getHandle(id), view };
    },

    /** Asks the bank for a baixa; the view after the bank's answer (CANCELLED, CANCELLING, or PAID if a payment won). */
    async cancel(boleto: OwnedBoleto, reason: string, log: Logger): Promise<BoletoView> {
      const view = await boundedUpdate(client, API_BOUNDS, () =>
        boleto.handle.startUpdate(cancelUpdate, {
          args: [{ reason, requestedAt: new Date().toISOString() }],
          waitForStage: 'ACCEPTED',
        }),
      );
      await remember(view, log);
      return view;
    },

    /** Moves the due date at the bank; the view after the change. */
    async changeDueDate(boleto: OwnedBoleto, dueDate: string, log: Logger): Promise<BoletoView> {
      const view = await boundedUpdate(client, API_BOUNDS, () =>
        boleto.handle.startUpdate(changeDueDateUpdate, {
          args: [{ dueDate, requestedAt: new Date().toISOString() }],
          waitForStage: 'ACCEPTED',
        }),
      );
      await remember(view, log);
      return view;
    },

    /** Queues a notification again; the delivery as queued. */
    resend(boleto: OwnedBoleto, deliveryId: string): Promise<Delivery> {
      return boundedUpdate(client, API_BOUNDS, () =>
        boleto.handle.startUpdate(resendDeliveryUpdate, { args: [{ deliveryId }], waitForStage: 'ACCEPTED' }),
      );
    },
  };
}

export type BoletoService = ReturnType<typeof boletoService>;
