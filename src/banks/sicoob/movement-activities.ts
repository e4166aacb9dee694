/**
 * The movement poll's activities (./movement-poll-workflow.ts; names are part of history): ask for a movement file,
 * its status, and deliver one file, plus `sicoobEnsureMovementPoll` (an onboarded account at ACTIVE). A file's facts
 * go to each boleto's workflow from here, as verified events (the bank's own file, fetched over mutual TLS): the
 * poll's history holds counts, never records. A record of a boleto that is not ours (another system's seu número),
 * or whose workflow is gone or finished, is skipped and logged, never a failure.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { withBankFailures } from '../../activities/to-failure';
import { boletoIdFor, parseBoletoId } from '../../boletos/ids';
import { bankEventSignal } from '../../contracts/boleto';
import { Failure, refusal } from '../../contracts/failures';
import { isBankError } from '../errors';
import { ensureAccountWorkflow } from '../account-workflows';
import type { AccountWorkflow } from '../module';
import type { BankRegistry } from '../registry';
import type { SicoobAccount } from './account';
import type { SicoobAdapter } from './adapter';
import {
  SICOOB_MOVEMENT_POLL_WORKFLOW_TYPE,
  type SicoobMovementPollInput,
  type SicoobMovementPollOptions,
  sicoobMovementPollOptions,
  sicoobMovementPollOptionsFrom,
  sicoobMovementPollWorkflowId,
  type SicoobMovementSettings,
} from './movement-poll-contract';
import { sicoobMovementFacts } from './movements';

/** An account's movement poll as an account workflow: started with these options, or sent them. */
export function sicoobMovementPollWorkflow(accountId: string, options: SicoobMovementPollOptions): AccountWorkflow {
  const input: SicoobMovementPollInput = { accountId, options };
  return {
    workflowType: SICOOB_MOVEMENT_POLL_WORKFLOW_TYPE,
    workflowId: sicoobMovementPollWorkflowId(accountId),
    args: [input],
    signal: { name: sicoobMovementPollOptions.name, args: [options] },
  };
}

/** The poll an account keeps running (BankModule.accountWorkflows); options from the settings. */
export function sicoobAccountWorkflows(account: SicoobAccount, settings: SicoobMovementSettings): AccountWorkflow[] {
  return [sicoobMovementPollWorkflow(account.accountId, sicoobMovementPollOptionsFrom(settings))];
}

export interface SicoobMovementActivityDeps {
  registry: BankRegistry;
  /** The installation's settings (absent: `sicoobEnsureMovementPoll` refuses). */
  settings?: SicoobMovementSettings;
}

export function createSicoobMovementActivities(deps: SicoobMovementActivityDeps) {
  const adapter = async (accountId: string): Promise<SicoobAdapter> => {
    try {
      await deps.registry.ensure(accountId);
      deps.registry.accountOf(accountId, 'SICOOB');
    } catch (e) {
      // Unknown here (onboarding cancelled, removed from the environment), or not a Sicoob account: the poll ends.
      if (isBankError(e) && e.kind === 'VALIDATION')
        throw refusal(Failure.AccountGone, `Sicoob account ${accountId} is not known any more: ${e.message}`);
      throw e;
    }
    return deps.registry.adapter(accountId) as SicoobAdapter;
  };
  return {
    /** `POST /boletos/movimentacoes` → the `codigoSolicitacao`. */
    async sicoobRequestMovements(input: {
      accountId: string;
      tipoMovimento: number;
      dataInicial: string;
      dataFinal: string;
    }): Promise<number> {
      return withBankFailures(async () =>
        (await adapter(input.accountId)).requestMovements(input.tipoMovimento, input.dataInicial, input.dataFinal),
      );
    },

    /** The request's files when ready (`ready: false` while the bank prepares them). */
    async sicoobMovementStatus(input: {
      accountId: string;
      codigoSolicitacao: number;
    }): Promise<{ ready: false } | { ready: true; idArquivos: number[] }> {
      return withBankFailures(async () => (await adapter(input.accountId)).movementStatus(input.codigoSolicitacao));
    },

    /** Downloads one file and signals each of our boletos in it its facts (deduped by eventId in the boleto). */
    async sicoobDeliverMovementFile(input: {
      accountId: string;
      codigoSolicitacao: number;
      idArquivo: number;
    }): Promise<{ records: number; signalled: number; skipped: number }> {
      const ctx = Context.current();
      const records = await withBankFailures(async () =>
        (await adapter(input.accountId)).downloadMovementFile(input.codigoSolicitacao, input.idArquivo),
      );
      const receivedAt = new Date().toISOString();
      let signalled = 0;
      let skipped = 0;
      for (const g of sicoobMovementFacts(records, receivedAt)) {
        const boletoId = g.seuNumero ? boletoIdFor(input.accountId, g.seuNumero) : undefined;
        if (!boletoId || !parseBoletoId(boletoId)) {
          skipped++;
          ctx.log.info('movement record of a boleto not issued by boletoflow: skipped', {
            accountId: input.accountId,
            nossoNumero: g.nossoNumero,
          });
          continue;
        }
        try {
          await ctx.client.workflow
            .getHandle(boletoId)
            .signal(bankEventSignal, { events: g.events, verified: true, receivedAt });
          signalled++;
        } catch (e) {
          if (!(e instanceof WorkflowNotFoundError)) throw e;
          skipped++;
          ctx.log.info('movement record of an unknown or finished boleto: skipped', {
            accountId: input.accountId,
            boletoId,
          });
        }
      }
      return { records: records.length, signalled, skipped };
    },

    /**
     * An account's movement poll running with the installation's options (started, or sent the options if it runs):
     * what the onboarding calls when a Sicoob account reaches ACTIVE.
     */
    async sicoobEnsureMovementPoll(accountId: string): Promise<{ workflowId: string }> {
      if (!deps.settings)
        throw ApplicationFailure.nonRetryable(
          'sicoobEnsureMovementPoll needs the installation settings (the worker’s onboarding deps)',
          'SicoobMovementPollNotConfigured',
        );
      await deps.registry.ensure(accountId);
      const account = deps.registry.accountOf(accountId, 'SICOOB');
      const ctx = Context.current();
      const [w] = sicoobAccountWorkflows(account, deps.settings);
      await ensureAccountWorkflow(ctx.client, ctx.info.taskQueue, w!);
      return { workflowId: w!.workflowId };
    },
  };
}
