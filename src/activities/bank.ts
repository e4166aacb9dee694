/**
 * Thin activities over the account's bank adapter; every BankError becomes a typed ApplicationFailure
 * (./to-failure.ts). The lifecycle workflow's lost-response rule: after BankUnavailable with
 * details[0].outcomeUnknown, call bankFindRegistered before bankRegister again: a retry must never create a
 * second boleto. Tokens come as the account's bank module says (src/banks/module.ts: its own cache, or a keeper workflow).
 */
import { Context } from '@temporalio/activity';
import type { BankAdapter } from '../banks/bank-adapter';
import type { BankRegistry } from '../banks/registry';
import type { AccessTokenSource } from '../banks/module';
import type {
  BankBoleto,
  BoletoRef,
  RegisterBoletoRequest,
  SearchBoletosFilter,
  SearchBoletosResult,
} from '../contracts/bank';
import { withBankFailures } from './to-failure';

export interface BankActivityDeps {
  registry: BankRegistry;
  /** For banks whose tokens a keeper workflow owns. Default: the account's keeper, on this activity's task queue. */
  tokenSource?: (accountId: string) => AccessTokenSource;
}

export const createBankActivities = (deps: BankActivityDeps) => {
  const adapter = async (accountId: string): Promise<BankAdapter> => {
    // Onboarded accounts are looked up (and refreshed) through the registry's resolver.
    await deps.registry.ensure(accountId);
    // Tokens as the account's bank says: its own per-process cache, or its keeper workflow (cached per process).
    const { client, info } = Context.current();
    return deps.registry.activityAdapter(
      accountId,
      { client, taskQueue: info.taskQueue, isLocal: info.isLocal },
      deps.tokenSource,
    );
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
      meter
        .createHistogram('boletoflow_bank_call_duration_ms', 'int', 'ms', 'bank API call latency')
        .record(Date.now() - started, { bank, operation, outcome: 'ok' });
      return out;
    } catch (e) {
      const kind = (e as { type?: string }).type ?? 'Unexpected';
      meter
        .createHistogram('boletoflow_bank_call_duration_ms', 'int', 'ms', 'bank API call latency')
        .record(Date.now() - started, { bank, operation, outcome: 'error' });
      meter
        .createCounter('boletoflow_bank_call_errors', 'calls', 'failed bank API calls by kind')
        .add(1, { bank, operation, kind });
      throw e;
    }
  };
  return {
    bankAuthenticate(input: { accountId: string }): Promise<{ ok: true; expiresAt?: string }> {
      return measured(input.accountId, 'authenticate', async () => (await adapter(input.accountId)).authenticate());
    },
    bankRegister(input: { accountId: string; request: RegisterBoletoRequest }): Promise<BankBoleto> {
      return measured(input.accountId, 'register', async () =>
        (await adapter(input.accountId)).register(input.request),
      );
    },
    bankFindRegistered(input: {
      accountId: string;
      request: Pick<RegisterBoletoRequest, 'seuNumero' | 'nossoNumero' | 'dueDate'>;
    }): Promise<BankBoleto | null> {
      return measured(input.accountId, 'findRegistered', async () =>
        (await adapter(input.accountId)).findRegistered(input.request),
      );
    },
    bankGetBoleto(input: { accountId: string; ref: BoletoRef }): Promise<BankBoleto | null> {
      return measured(input.accountId, 'get', async () => (await adapter(input.accountId)).get(input.ref));
    },
    bankSearchBoletos(input: { accountId: string; filter: SearchBoletosFilter }): Promise<SearchBoletosResult> {
      return measured(input.accountId, 'search', async () => (await adapter(input.accountId)).search(input.filter));
    },
    bankCancelBoleto(input: {
      accountId: string;
      ref: BoletoRef;
      reason: string;
    }): Promise<{ accepted: true; requestId?: string }> {
      return measured(input.accountId, 'cancel', async () =>
        (await adapter(input.accountId)).cancel(input.ref, input.reason),
      );
    },
    bankChangeDueDate(input: {
      accountId: string;
      ref: BoletoRef;
      dueDate: string;
    }): Promise<{ accepted: true; requestId?: string }> {
      return measured(input.accountId, 'changeDueDate', async () =>
        (await adapter(input.accountId)).changeDueDate(input.ref, input.dueDate),
      );
    },
    /** The bank's PDF, base64 (payloads are JSON). */
    async bankPdf(input: { accountId: string; ref: BoletoRef }): Promise<{ pdfBase64: string }> {
      const bytes = await measured(input.accountId, 'pdf', async () => (await adapter(input.accountId)).pdf(input.ref));
      return { pdfBase64: Buffer.from(bytes).toString('base64') };
    },
  };
};
