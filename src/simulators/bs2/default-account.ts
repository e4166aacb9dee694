/** What the BS2 default account needs from this simulator (injected by the supervisor, src/simulators/defaults.ts). */
import type { Bs2SimulatedAccount } from '../../banks/bs2/account';
import type { Config } from '../../config';
import { BS2_SIM_DEFAULT_APP } from './config';

export const bs2SimulatedAccount = (): Bs2SimulatedAccount => ({
  credentials: {
    apiKey: BS2_SIM_DEFAULT_APP.apiKey,
    apiSecret: BS2_SIM_DEFAULT_APP.apiSecret,
    scope: BS2_SIM_DEFAULT_APP.scope,
    initialRefreshToken: BS2_SIM_DEFAULT_APP.refreshToken,
  },
});

/** What the supervisor says about this simulator: the ports it takes and its banner lines (npm start, cluster). */
export const bs2SimulatorInfo = (c: Config) => ({
  ports: [{ port: c.SIM_BS2_PORT, host: c.SIM_HOST, variable: 'SIM_BS2_PORT', what: 'BS2 simulator' }],
  banner: `  BS2 simulator    http://localhost:${c.SIM_BS2_PORT}   admin: http://localhost:${c.SIM_BS2_PORT}/__sim/boletos${c.BS2_BASE_URL ? '' : '   (the default BS2 account)'}`,
  short: `BS2 http://localhost:${c.SIM_BS2_PORT}`,
});
