/** `npm run sim:bs2`: the BS2 simulator alone (same settings as under `npm start`). */
import { loadConfig } from '../../config';
import { createLogger } from '../../logging';
import { onShutdown, runMain } from '../../process';
import { startSimulators } from '../main';

runMain(async () => {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-sim-bs2' });
  const sims = await startSimulators(config, logger, ['BS2']);
  onShutdown(() => sims.close());
});
