/** Credential files (PEM certificates and keys, the simulator's app JSON) of the banks whose accounts use them. */
import { readFileSync } from 'node:fs';
import { BankError } from './errors';

/** The file's text; an unreadable file is an AUTH BankError naming the bank, what and the path, never its content. */
export function readCredentialFile(bank: string, what: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new BankError(
      'AUTH',
      `${bank} ${what} cannot be read from ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      { operation: 'credentials' },
    );
  }
}

/**
 * The CA a bank's servers are checked against: the configured bundle, else (simulated bank) the simulator's test CA
 * as the supervisor injected it, else Node's roots (undefined).
 */
export function serverCaPem(
  configuredPath: string | undefined,
  real: boolean,
  injectedCaPath?: string,
): string | undefined {
  if (configuredPath) return readFileSync(configuredPath, 'utf8');
  return real || !injectedCaPath ? undefined : readFileSync(injectedCaPath, 'utf8');
}
