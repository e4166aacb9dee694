/**
 * Thin activities over the account's bank adapter; every BankError becomes a typed ApplicationFailure
 * (./to-failure.ts). The lifecycle workflow's lost-response rule: after BankUnavailable with
 * details[0].outcomeUnknown, call bankFindRegistered before bankRegister again: a retry must never create a
 * second boleto. Token requests go to the account's keeper workflow through the worker's own client.
 */
import { Context } from '@temporalio/activity';
import type { BankAdapter } from '../banks/bank-adapter';
import type { BankRegistry } from '../banks/registry';
import { CachedTokenSource, KeeperTokenSource } from '../banks/bs2/keeper-client';
import type { Bs2TokenSource } from '../banks/bs2/tokens';
import type { BankBoleto, BoletoRef, RegisterBoletoRequest, SearchBoletosFilter, SearchBoletosResult } from '../banks/model';
import { withBankFailures } from './to-failure';

export interface BankActivityDeps {
  registry: BankRegistry;
  /** Default: the account's token keeper workflow, on this activity's task queue. */
  tokenSource?: (accountId: string) => Bs2TokenSource;
}

export const createBankActivities = (deps: BankActivityDeps) => {
  // One cached token source per account for the life of the worker process (see CachedTokenSource).
  const keeperSources = new Map<string, Bs2TokenSource>();
  const adapter = (accountId: string): BankAdapter => {
    // Itaú accounts keep their client_credentials token cache in the registry (no keeper workflow).
    if (deps.registry.account(accountId).bank === 'ITAU') return deps.registry.adapter(accountId);
    let tokens = deps.tokenSource?.(accountId) ?? keeperSources.get(accountId);
    if (!tokens) {
      tokens = new CachedTokenSource(new KeeperTokenSource(Context.current().client, { accountId, taskQueue: Context.current().info.taskQueue }));
      keeperSources.set(accountId, tokens);
    }
    return deps.registry.adapter(accountId, tokens);
  };
  return {
    bankAuthenticate(input: { accountId: string }): Promise<{ ok: true; expiresAt?: string }> {
      return withBankFailures(() => adapter(input.accountId).authenticate());
    },
    bankRegister(input: { accountId: string; request: RegisterBoletoRequest }): Promise<BankBoleto> {
      return withBankFailures(() => adapter(input.accountId).register(input.request));
    },
    bankFindRegistered(input: { accountId: string; request: Pick<RegisterBoletoRequest, 'seuNumero' | 'nossoNumero' | 'dueDate'> }): Promise<BankBoleto | null> {
      return withBankFailures(() => adapter(input.accountId).findRegistered(input.request));
    },
    bankGetBoleto(input: { accountId: string; ref: BoletoRef }): Promise<BankBoleto | null> {
      return withBankFailures(() => adapter(input.accountId).get(input.ref));
    },
    bankSearchBoletos(input: { accountId: string; filter: SearchBoletosFilter }): Promise<SearchBoletosResult> {
      return withBankFailures(() => adapter(input.accountId).search(input.filter));
    },
    bankCancelBoleto(input: { accountId: string; ref: BoletoRef; reason: string }): Promise<{ accepted: true; requestId?: string }> {
      return withBankFailures(() => adapter(input.accountId).cancel(input.ref, input.reason));
    },
    bankChangeDueDate(input: { accountId: string; ref: BoletoRef; dueDate: string }): Promise<{ accepted: true; requestId?: string }> {
      return withBankFailures(() => adapter(input.accountId).changeDueDate(input.ref, input.dueDate));
    },
    /** The bank's PDF, base64 (payloads are JSON). */
    async bankPdf(input: { accountId: string; ref: BoletoRef }): Promise<{ pdfBase64: string }> {
      const bytes = await withBankFailures(() => adapter(input.accountId).pdf(input.ref));
      return { pdfBase64: Buffer.from(bytes).toString('base64') };
    },
  };
};
