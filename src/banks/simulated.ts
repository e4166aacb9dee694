/**
 * Simulated default accounts, injected. With no real credentials configured, `npm start` gives each bank a default
 * account on that bank's embedded simulator. What such an account needs from the simulator (its seeded app
 * credentials, the files of its test PKI, its beneficiary) is written by the supervisor that starts the simulators
 * (src/main.ts, src/cluster/main.ts, through src/simulators/defaults.ts) into DATA_DIR/simulators/default-accounts.json,
 * before the worker and the API start: production code reads that file and never imports a simulator. No file (an
 * image run without the supervisor, e.g. docker compose): no simulated default accounts.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BankCode } from '../contracts/bank';

/** The file, relative to DATA_DIR. */
export const SIMULATED_ACCOUNTS_FILE = join('simulators', 'default-accounts.json');

export const simulatedAccountsPath = (dataDir: string): string => join(resolve(dataDir), SIMULATED_ACCOUNTS_FILE);

/** Each bank's part of the file, as that bank's simulator described its default account (the bank module reads it). */
export type SimulatedAccounts = Partial<Record<BankCode, unknown>>;

/** The injected defaults under DATA_DIR ({} when none were written). */
export function readSimulatedAccounts(dataDir: string): SimulatedAccounts {
  let text: string;
  try {
    text = readFileSync(simulatedAccountsPath(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  const parsed = JSON.parse(text) as unknown;
  return parsed && typeof parsed === 'object' ? parsed : {};
}
