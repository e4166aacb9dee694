/**
 * The simulated default accounts, as the supervisor injects them (src/banks/simulated.ts): before the worker and
 * the API start, `npm start` (src/main.ts) and the local cluster (src/cluster/main.ts) write each simulator's default
 * account into DATA_DIR/simulators/default-accounts.json. Production code reads that file; it never imports this.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { simulatedAccountsPath } from '../banks/simulated';
import type { Config } from '../config';
import type { PortClaim } from '../supervisor/ports';
import { SIMULATORS } from './registry';

/** Each bank's simulator describes its default account (./registry.ts). */
export const simulatedAccounts = (dataDir: string) =>
  Object.fromEntries(Object.entries(SIMULATORS).map(([bank, s]) => [bank, s.account(dataDir)])) as {
    [B in keyof typeof SIMULATORS]: ReturnType<(typeof SIMULATORS)[B]['account']>;
  };

/** Every simulator as the supervisors show it: the ports it takes, its banner line, and a short form. */
const simulatorInfo = (c: Config) => Object.values(SIMULATORS).map((s) => s.info(c));

/** The ports the simulators take (checked free before `npm start` and the cluster start anything). */
export const simulatorPorts = (c: Config): PortClaim[] => simulatorInfo(c).flatMap((s) => s.ports);

/** The banner's lines about the simulators (`npm start`), or one short line (the cluster). */
export const simulatorBanner = (c: Config): string[] => simulatorInfo(c).map((s) => s.banner);
export const simulatorBannerShort = (c: Config): string =>
  simulatorInfo(c)
    .map((s) => s.short)
    .join('   ');

/** Writes the file (atomically: a process starting meanwhile reads the old one or the new one, never half). */
export function writeSimulatedAccounts(dataDir: string): void {
  const path = simulatedAccountsPath(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(simulatedAccounts(dataDir), null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}
