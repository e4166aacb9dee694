/**
 * `npm run sim:sicoob`: the Sicoob simulator alone (same settings as under `npm start`: ./start.ts), on
 * SIM_SICOOB_PORT (4756: mTLS API + token) and SIM_SICOOB_PUBLIC_PORT (4757: TLS-only /__sim), test CA and
 * default-app certificate in DATA_DIR/simulators/sicoob/pki, state in DATA_DIR/simulators/sicoob.json.
 */
import { loadConfig } from '../../config';
import { createLogger } from '../../logging';
import { onShutdown, runMain } from '../../process';
import { startSimulators } from '../main';

runMain(async () => {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-sim-sicoob' });
  const sims = await startSimulators(config, logger, ['SICOOB']);
  onShutdown(() => sims.close());
});
