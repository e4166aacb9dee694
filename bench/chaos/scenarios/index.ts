/** Every chaos scenario, in the order `npm run chaos` runs them. */
import type { Scenario } from '../scenario';
import { bankFaults } from './bank-faults';
import { serverRestart } from './server-restart';
import { workerKill } from './worker-kill';

export const SCENARIOS: Scenario[] = [workerKill, serverRestart, bankFaults];
