/**
 * `npm run sim:sicoob`: the Sicoob simulator alone, on ports 4756 (mTLS API + token) and 4757 (TLS-only /__sim),
 * test CA and default-app certificate in DATA_DIR/simulators/sicoob/pki, state in DATA_DIR/simulators/sicoob.json.
 * It is not part of `npm start` yet: the bank is registered (ports and settings in src/config.ts, the account, the
 * adapter) after the bank-module redesign (docs/banks/sicoob.md).
 */
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config';
import { createLogger } from '../../logging';
import { onShutdown, runMain } from '../../process';
import { SICOOB_SIM_DEFAULT_PORTS } from './config';
import { createSicoobSimulator } from './server';

runMain(async () => {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-sim-sicoob' });
  const dir = join(resolve(config.DATA_DIR), 'simulators');
  const sim = await createSicoobSimulator({
    port: SICOOB_SIM_DEFAULT_PORTS.api,
    publicPort: SICOOB_SIM_DEFAULT_PORTS.public,
    host: config.SIM_HOST,
    autoTickMs: 1000,
    pkiDir: join(dir, 'sicoob', 'pki'),
    stateFile: join(dir, 'sicoob.json'),
  });
  logger.info(
    {
      apiUrl: sim.apiUrl,
      tokenUrl: sim.tokenUrl,
      adminUrl: `${sim.publicUrl}/__sim`,
      clientId: sim.defaultApp.clientId,
    },
    'Sicoob simulator listening (mTLS)',
  );
  onShutdown(() => sim.close());
});
