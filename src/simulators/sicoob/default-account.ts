/**
 * What the Sicoob default account needs from this simulator (injected by the supervisor, src/simulators/defaults.ts):
 * the default app's client_id, the files of its test PKI under DATA_DIR/simulators/sicoob/pki (created here at first
 * start, by whichever of the supervisor and the simulator gets there first), the beneficiary's contract and the
 * nosso-número range.
 */
import { join, resolve } from 'node:path';
import type { SicoobSimulatedAccount } from '../../banks/sicoob/account';
import type { Config } from '../../config';
import { ensurePkiDir } from '../itau/tls';
import { SICOOB_SIM_CA_NAME, SICOOB_SIM_DEFAULT_CLIENT_ID, sicoobSimConfig } from './config';

/** The Sicoob simulator's PKI folder under DATA_DIR. */
export const sicoobSimPkiDir = (dataDir: string): string => join(resolve(dataDir), 'simulators', 'sicoob', 'pki');

export function sicoobSimulatedAccount(dataDir: string): SicoobSimulatedAccount {
  const pki = ensurePkiDir(sicoobSimPkiDir(dataDir), SICOOB_SIM_DEFAULT_CLIENT_ID, 3650, SICOOB_SIM_CA_NAME);
  const { beneficiary: b, faixa } = sicoobSimConfig();
  return {
    clientId: SICOOB_SIM_DEFAULT_CLIENT_ID,
    paths: { clientCert: pki.paths.clientCert, clientKey: pki.paths.clientKey, caCert: pki.paths.caCert },
    beneficiary: {
      cooperativa: b.cooperativa,
      codigoCliente: b.codigoCliente,
      numeroCliente: b.numeroCliente,
      numeroContaCorrente: b.numeroContaCorrente,
    },
    faixa,
  };
}

/** What the supervisor says about this simulator: the ports it takes and its banner lines (npm start, cluster). */
export const sicoobSimulatorInfo = (c: Config) => ({
  ports: [
    { port: c.SIM_SICOOB_PORT, host: c.SIM_HOST, variable: 'SIM_SICOOB_PORT', what: 'Sicoob simulator (mTLS API)' },
    {
      port: c.SIM_SICOOB_PUBLIC_PORT,
      host: c.SIM_HOST,
      variable: 'SIM_SICOOB_PUBLIC_PORT',
      what: 'Sicoob simulator (admin)',
    },
  ],
  banner: `  Sicoob simulator https://localhost:${c.SIM_SICOOB_PORT} (mTLS)   admin: https://localhost:${c.SIM_SICOOB_PUBLIC_PORT}/__sim/boletos${c.SICOOB_CLIENT_ID ? '' : '   (the default Sicoob account)'}`,
  short: `Sicoob https://localhost:${c.SIM_SICOOB_PORT} (mTLS)`,
});
