/** Every chaos scenario, in the order `npm run chaos` runs them. */
import type { Scenario } from '../scenario';
import { apiRestart } from './api-restart';
import { bankFaults } from './bank-faults';
import { longRun } from './long-run';
import { serverRestart } from './server-restart';
import { webhookStorm } from './webhook-storm';
import { workerKill } from './worker-kill';

export const SCENARIOS: Scenario[] = [workerKill, serverRestart, bankFaults, apiRestart, webhookStorm, longRun];
