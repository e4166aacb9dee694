/**
 * `npm run sim:sicoob`: the Sicoob simulator alone, on SIM_SICOOB_PORT (4756: mTLS API + token) and
 * SIM_SICOOB_PUBLIC_PORT (4757: TLS-only /__sim), test CA and default-app certificate in
 * DATA_DIR/simulators/sicoob/pki, state in DATA_DIR/simulators/sicoob.json. `npm start` runs it with the others
 * (./start.ts).
 */
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config';
import { createLogger } from '../../logging';
import { onShutdown, runMain } from '../../process';
import { sicoobSimPkiDir } from './default-account';
import { createSicoobSimulator } from './server';

runMain(async () => {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-sim-sicoob' });
  const dir = join(resolve(config.DATA_DIR), 'simulators');
  const sim = await createSicoobSimulator({
    port: config.SIM_SICOOB_PORT,
    publicPort: config.SIM_SICOOB_PUBLIC_PORT,
    host: config.SIM_HOST,
    autoTickMs: 1000,
    pkiDir: sicoobSimPkiDir(config.DATA_DIR),
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
