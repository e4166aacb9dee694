/** `npm run sim:itau`: the Itaú simulator alone (same settings as under `npm start`). */
import { loadConfig } from '../../config';
import { createLogger } from '../../logging';
import { onShutdown, runMain } from '../../process';
import { startSimulators } from '../main';

runMain(async () => {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-sim-itau' });
  const sims = await startSimulators(config, logger, ['ITAU']);
  onShutdown(() => sims.close());
});
