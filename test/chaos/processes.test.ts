/** Chaos smoke, processes: workers SIGKILLed, the Temporal server restarted, the API restarted (see ./smoke.ts). */
import { chaosSmoke } from './smoke';

// One worker: each kill leaves none until the replacement (a new process) takes over.
chaosSmoke(['worker-kill', 'server-restart', 'api-restart'], 1);
