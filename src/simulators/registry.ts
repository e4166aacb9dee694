/**
 * Every bank's simulator, listed once (a bank missing here is a compile error): how to start it (the `simulators`
 * child of `npm start`, `npm run sim:<bank>`), the default account it serves (injected by the supervisor,
 * ./defaults.ts) and what the supervisor says about it (ports, banner). A simulator's server code loads only when it
 * starts: the supervisors import this list for the accounts and the banner alone.
 */
import type { BankCode } from '../contracts/bank';
import type { Config } from '../config';
import type { Logger } from '../logging';
import type { PortClaim } from '../supervisor/ports';
import { bs2SimulatedAccount, bs2SimulatorInfo } from './bs2/default-account';
import { itauSimulatedAccount, itauSimulatorInfo } from './itau/default-account';
import { sicoobSimulatedAccount, sicoobSimulatorInfo } from './sicoob/default-account';

export interface RunningSimulator {
  url: string;
  close(): Promise<void>;
}

export interface SimulatorEntry {
  start(config: Config, logger: Logger): Promise<RunningSimulator>;
  /** The default account as the bank's module reads it from the injected file (src/banks/simulated.ts). */
  account(dataDir: string): unknown;
  /** The ports it takes, its banner line (`npm start`) and a short form (the cluster). */
  info(config: Config): { ports: PortClaim[]; banner: string; short: string };
}

export const SIMULATORS = {
  BS2: {
    start: async (c, l) => (await import('./bs2/start')).startBs2Simulator(c, l),
    account: () => bs2SimulatedAccount(),
    info: bs2SimulatorInfo,
  },
  ITAU: {
    start: async (c, l) => (await import('./itau/start')).startItauSimulator(c, l),
    account: itauSimulatedAccount,
    info: itauSimulatorInfo,
  },
  SICOOB: {
    start: async (c, l) => (await import('./sicoob/start')).startSicoobSimulator(c, l),
    account: sicoobSimulatedAccount,
    info: sicoobSimulatorInfo,
  },
} as const satisfies Record<BankCode, SimulatorEntry>;
