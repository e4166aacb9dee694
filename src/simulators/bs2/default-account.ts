/** What the BS2 default account needs from this simulator (injected by the supervisor, src/simulators/defaults.ts). */
import type { Bs2SimulatedAccount } from '../../banks/bs2/account';
import { BS2_SIM_DEFAULT_APP } from './config';

export const bs2SimulatedAccount = (): Bs2SimulatedAccount => ({
  credentials: { apiKey: BS2_SIM_DEFAULT_APP.apiKey, apiSecret: BS2_SIM_DEFAULT_APP.apiSecret, scope: BS2_SIM_DEFAULT_APP.scope, initialRefreshToken: BS2_SIM_DEFAULT_APP.refreshToken },
});
