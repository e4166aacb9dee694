/**
 * What the Itaú default account needs from this simulator (injected by the supervisor, src/simulators/defaults.ts):
 * its beneficiary and the files of its test PKI under DATA_DIR/simulators/itau/pki (created here at first start,
 * by whichever of the supervisor and the simulator gets there first).
 */
import { join, resolve } from 'node:path';
import type { ItauSimulatedAccount } from '../../banks/itau/account';
import type { Config } from '../../config';
import { ITAU_SIM_DEFAULT_CLIENT_ID, itauSimConfig } from './config';
import { ensurePkiDir } from './tls';

/** The Itaú simulator's PKI folder under DATA_DIR. */
export const itauSimPkiDir = (dataDir: string): string => join(resolve(dataDir), 'simulators', 'itau', 'pki');

export function itauSimulatedAccount(dataDir: string): ItauSimulatedAccount {
  const pki = ensurePkiDir(itauSimPkiDir(dataDir), ITAU_SIM_DEFAULT_CLIENT_ID);
  const { agencia, conta } = itauSimConfig().beneficiary;
  return {
    agencia,
    conta,
    pkiDir: pki.dir,
    paths: {
      app: pki.paths.app,
      clientCert: pki.paths.clientCert,
      clientKey: pki.paths.clientKey,
      caCert: pki.paths.caCert,
    },
  };
}

/** What the supervisor says about this simulator: the ports it takes and its banner lines (npm start, cluster). */
export const itauSimulatorInfo = (c: Config) => ({
  ports: [
    { port: c.SIM_ITAU_PORT, host: c.SIM_HOST, variable: 'SIM_ITAU_PORT', what: 'Itaú simulator (mTLS API)' },
    {
      port: c.SIM_ITAU_PUBLIC_PORT,
      host: c.SIM_HOST,
      variable: 'SIM_ITAU_PUBLIC_PORT',
      what: 'Itaú simulator (certificates, admin)',
    },
  ],
  banner: `  Itaú simulator   https://localhost:${c.SIM_ITAU_PORT} (mTLS)   admin: https://localhost:${c.SIM_ITAU_PUBLIC_PORT}/__sim/boletos${c.ITAU_CLIENT_ID ? '' : '   (the default Itaú account)'}`,
  short: `Itaú https://localhost:${c.SIM_ITAU_PORT} (mTLS)`,
});
