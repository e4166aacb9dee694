/** Chaos smoke, the bank and load: bank faults, a webhook burst, open workflows on timers (see ./smoke.ts). */
import { chaosSmoke } from './smoke';

chaosSmoke(['bank-faults', 'webhook-storm', 'long-run'], 1);
