/**
 * A bank's operator routes act on the caller's tenant's accounts of that bank only: another tenant's account, or one
 * of another bank, is answered like a missing one (404), so account ids of other tenants cannot be probed.
 */
import type { Response } from 'express';
import type { Principal } from '../api/auth';
import { sendProblem } from '../api/problem';
import type { BankCode } from '../contracts/bank';
import type { BankApiDeps } from './module';

/** True when `accountId` is the caller's tenant's account of `bank`; else a 404 is already sent. */
export async function ownBankAccount(
  deps: Pick<BankApiDeps, 'directory'>,
  bank: { code: BankCode; name: string },
  p: Principal,
  accountId: string,
  res: Response,
): Promise<boolean> {
  const a = await deps.directory.resolveForTenant(p.tenantId, accountId);
  if (a?.bank === bank.code) return true;
  sendProblem(res, {
    type: 'not-found',
    title: `${bank.name} account not found`,
    status: 404,
    detail: `No ${bank.name} account ${accountId} in your tenant.`,
  });
  return false;
}
