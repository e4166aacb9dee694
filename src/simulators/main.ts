/**
 * Every bank simulator in one process (the `simulators` child of `npm start`): BS2 on SIM_BS2_PORT, running on
 * real time (its clock can be moved with POST /__sim/clock/advance), webhooks to SIM_BS2_WEBHOOK_URL, state kept
 * in DATA_DIR/simulators/ so restarts keep the bank's boletos and its rotated tokens.
 */
import { join, resolve } from 'node:path';
import { type Config, loadConfig } from '../config';
import { createLogger, type Logger } from '../logging';
import { onShutdown, runMain } from '../process';
import { createBs2Simulator } from './bs2/server';
import { bs2SimConfig } from './bs2/config';

export type SimulatorName = 'bs2';

export async function startSimulators(config: Config, logger: Logger, which: SimulatorName[] = ['bs2']): Promise<{ urls: Record<string, string>; close(): Promise<void> }> {
  const closers: (() => Promise<void>)[] = [];
  const urls: Record<string, string> = {};
  if (which.includes('bs2')) {
    const webhookUrl = config.SIM_BS2_WEBHOOK_URL ?? `http://127.0.0.1:${config.API_PORT}/webhooks/bs2`;
    const sim = await createBs2Simulator({
      port: config.SIM_BS2_PORT,
      host: config.SIM_HOST,
      autoTickMs: 1000,
      stateFile: join(resolve(config.DATA_DIR), 'simulators', 'bs2.json'),
      config: bs2SimConfig({
        accessTokenTtlSeconds: config.SIM_BS2_ACCESS_TOKEN_TTL_SECONDS,
        refreshTokenTtlHours: config.SIM_BS2_REFRESH_TOKEN_TTL_HOURS,
        ...(config.BS2_DUE_DATE_PATH ? { dueDateChangePath: config.BS2_DUE_DATE_PATH } : {}),
        webhook: { url: webhookUrl },
      }),
      log: (msg) => logger.debug({ component: 'sim-bs2' }, msg),
    });
    urls.bs2 = sim.url;
    closers.push(() => sim.close());
    logger.info({ url: sim.url, webhookUrl }, 'BS2 simulator listening');
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
