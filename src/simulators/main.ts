/**
 * Every bank simulator in one process (the `simulators` child of `npm start`). Sicoob: mTLS API on SIM_SICOOB_PORT,
 * admin on SIM_SICOOB_PUBLIC_PORT (./sicoob/start.ts). Itaú: mTLS API on SIM_ITAU_PORT
 * and the TLS-only certificate/admin listener on SIM_ITAU_PUBLIC_PORT, test CA in DATA_DIR/simulators/itau/pki.
 * BS2 on SIM_BS2_PORT, running on
 * real time (its clock can be moved with POST /__sim/clock/advance), webhooks to SIM_BS2_WEBHOOK_URL, state kept
 * in DATA_DIR/simulators/ so restarts keep the bank's boletos and its rotated tokens.
 */
import { type Config, loadConfig } from '../config';
import { createLogger, type Logger } from '../logging';
import { onShutdown, runMain } from '../process';
import type { BankCode } from '../contracts/bank';
import { SIMULATORS } from './registry';

export { bs2WebhookAuth } from './bs2/start';

export async function startSimulators(
  config: Config,
  logger: Logger,
  which: BankCode[] = Object.keys(SIMULATORS) as BankCode[],
): Promise<{ urls: Record<string, string>; close(): Promise<void> }> {
  const closers: (() => Promise<void>)[] = [];
  const urls: Record<string, string> = {};
  for (const name of which) {
    const sim = await SIMULATORS[name].start(config, logger);
    urls[name] = sim.url;
    closers.push(() => sim.close());
  }
  return { urls, close: async () => void (await Promise.all(closers.map((c) => c()))) };
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-simulators' });
    const sims = await startSimulators(config, logger);
    onShutdown(() => sims.close());
  });
}
