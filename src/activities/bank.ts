/**
 * Thin activities over the account's bank adapter; every BankError becomes a typed ApplicationFailure
 * (./to-failure.ts). The lifecycle workflow's lost-response rule: after BankUnavailable with
 * details[0].outcomeUnknown, call bankFindRegistered before bankRegister again: a retry must never create a
 * second boleto. Token requests go to the account's keeper workflow through the worker's own client.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { BankAdapter } from '../banks/bank-adapter';
import type { BankRegistry } from '../banks/registry';
import { CachedTokenSource, KeeperTokenSource } from '../banks/bs2/keeper-client';
import type { Bs2TokenSource } from '../banks/bs2/tokens';
import type { BankBoleto, BoletoRef, RegisterBoletoRequest, SearchBoletosFilter, SearchBoletosResult } from '../contracts/bank';
import { withBankFailures } from './to-failure';

/**
 * How long a local activity (registration and its lost-response look-up) waits for a BS2 token. A local activity holds
 * its workflow task, and with it a workflow-task slot, while it runs; the token keeper answers in a workflow task of
 * its own. A new worker process (no token cached) given more registrations at once than it has slots filled every slot
 * with tasks waiting on the keeper, whose task then could not start: registrations stalled for minutes (found by the
 * chaos suite). Past this wait the local activity fails at once, without retries inside the task; the workflow tries
 * again after a timer (its slot free meanwhile), by which time the token, still being fetched, is cached.
 */
export const LOCAL_ACTIVITY_TOKEN_WAIT_MS = 2_000;

function boundedForLocalActivity(tokens: CachedTokenSource): Bs2TokenSource {
  return {
    async accessToken(o) {
      const t = await tokens.accessTokenWithin(LOCAL_ACTIVITY_TOKEN_WAIT_MS, o);
      if (t) return t;
      throw ApplicationFailure.create({
        type: 'BankUnavailable',
        message: `BS2 token: the token keeper has not answered in ${LOCAL_ACTIVITY_TOKEN_WAIT_MS} ms; nothing was sent to the bank`,
        nonRetryable: true,
        details: [{ fields: [], outcomeUnknown: false, retryAfterMs: 1_000 }],
      });
    },
  };
}

export interface BankActivityDeps {
  registry: BankRegistry;
  /** Default: the account's token keeper workflow, on this activity's task queue. */
  tokenSource?: (accountId: string) => Bs2TokenSource;
}

export const createBankActivities = (deps: BankActivityDeps) => {
  // One cached token source per account for the life of the worker process (see CachedTokenSource).
  const keeperSources = new Map<string, Bs2TokenSource>();
  const adapter = async (accountId: string): Promise<BankAdapter> => {
    // Onboarded accounts are looked up (and refreshed) through the registry's resolver.
    const account = await deps.registry.ensure(accountId);
    // Itaú accounts keep their client_credentials token cache in the registry (no keeper workflow).
    if (account.bank === 'ITAU') return deps.registry.adapter(accountId);
    let tokens = deps.tokenSource?.(accountId) ?? keeperSources.get(accountId);
    if (!tokens) {
      tokens = new CachedTokenSource(new KeeperTokenSource(Context.current().client, { accountId, taskQueue: Context.current().info.taskQueue }));
      keeperSources.set(accountId, tokens);
    }
    if (Context.current().info.isLocal && tokens instanceof CachedTokenSource) return deps.registry.adapter(accountId, boundedForLocalActivity(tokens));
    return deps.registry.adapter(accountId, tokens);
  };
  /**
   * Every bank call is timed and counted on the worker's Prometheus endpoint:
   *   boletoflow_bank_call_duration_ms{bank,operation,outcome}  and  boletoflow_bank_call_errors{bank,operation,kind}
   */
  const measured = async <T>(accountId: string, operation: string, call: () => Promise<T>): Promise<T> => {
    const meter = Context.current().metricMeter;
    const bank = (() => {
      try {
        return deps.registry.account(accountId).bank;
      } catch {
        return 'unknown';
      }
    })();
    const started = Date.now();
    try {
      const out = await withBankFailures(call);
      meter.createHistogram('boletoflow_bank_call_duration_ms', 'int', 'ms', 'bank API call latency').record(Date.now() - started, { bank, operation, outcome: 'ok' });
      return out;
    } catch (e) {
      const kind = (e as { type?: string }).type ?? 'Unexpected';
      meter.createHistogram('boletoflow_bank_call_duration_ms', 'int', 'ms', 'bank API call latency').record(Date.now() - started, { bank, operation, outcome: 'error' });
      meter.createCounter('boletoflow_bank_call_errors', 'calls', 'failed bank API calls by kind').add(1, { bank, operation, kind });
      throw e;
    }
  };
  return {
    bankAuthenticate(input: { accountId: string }): Promise<{ ok: true; expiresAt?: string }> {
      return measured(input.accountId, 'authenticate', async () => (await adapter(input.accountId)).authenticate());
    },
    bankRegister(input: { accountId: string; request: RegisterBoletoRequest }): Promise<BankBoleto> {
      return measured(input.accountId, 'register', async () => (await adapter(input.accountId)).register(input.request));
    },
    bankFindRegistered(input: { accountId: string; request: Pick<RegisterBoletoRequest, 'seuNumero' | 'nossoNumero' | 'dueDate'> }): Promise<BankBoleto | null> {
      return measured(input.accountId, 'findRegistered', async () => (await adapter(input.accountId)).findRegistered(input.request));
    },
    bankGetBoleto(input: { accountId: string; ref: BoletoRef }): Promise<BankBoleto | null> {
      return measured(input.accountId, 'get', async () => (await adapter(input.accountId)).get(input.ref));
    },
    bankSearchBoletos(input: { accountId: string; filter: SearchBoletosFilter }): Promise<SearchBoletosResult> {
      return measured(input.accountId, 'search', async () => (await adapter(input.accountId)).search(input.filter));
    },
    bankCancelBoleto(input: { accountId: string; ref: BoletoRef; reason: string }): Promise<{ accepted: true; requestId?: string }> {
      return measured(input.accountId, 'cancel', async () => (await adapter(input.accountId)).cancel(input.ref, input.reason));
    },
    bankChangeDueDate(input: { accountId: string; ref: BoletoRef; dueDate: string }): Promise<{ accepted: true; requestId?: string }> {
      return measured(input.accountId, 'changeDueDate', async () => (await adapter(input.accountId)).changeDueDate(input.ref, input.dueDate));
    },
    /** The bank's PDF, base64 (payloads are JSON). */
    async bankPdf(input: { accountId: string; ref: BoletoRef }): Promise<{ pdfBase64: string }> {
      const bytes = await measured(input.accountId, 'pdf', async () => (await adapter(input.accountId)).pdf(input.ref));
      return { pdfBase64: Buffer.from(bytes).toString('base64') };
    },
  };
};
