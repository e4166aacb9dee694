/**
 * Every bank simulator in one process (the `simulators` child of `npm start`). Itaú: mTLS API on SIM_ITAU_PORT
 * and the TLS-only certificate/admin listener on SIM_ITAU_PUBLIC_PORT, test CA in DATA_DIR/simulators/itau/pki.
 * BS2 on SIM_BS2_PORT, running on
 * real time (its clock can be moved with POST /__sim/clock/advance), webhooks to SIM_BS2_WEBHOOK_URL, state kept
 * in DATA_DIR/simulators/ so restarts keep the bank's boletos and its rotated tokens.
 */
import { join, resolve } from 'node:path';
import { type Config, loadConfig } from '../config';
import { createLogger, type Logger } from '../logging';
import { onShutdown, runMain } from '../process';
import { createBs2Simulator } from './bs2/server';
import { bs2SimConfig } from './bs2/config';
import { itauSimPkiDir } from './itau/default-account';
import { itauSimConfig } from './itau/config';
import { createItauSimulator } from './itau/server';
import type { WebhookAuth } from './shared/webhooks';

export type SimulatorName = 'bs2' | 'itau';

/** The Authorization agreed with BS2 (BS2_WEBHOOK_AUTHORIZATION), as the simulated bank must send it on webhooks. */
export function bs2WebhookAuth(value: string | undefined): WebhookAuth | undefined {
  const m = value ? /^(Bearer|Basic)\s+(\S+)$/i.exec(value.trim()) : null;
  if (!m) return undefined;
  if (m[1]!.toLowerCase() === 'bearer') return { type: 'bearer', token: m[2]! };
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i > 0 ? { type: 'basic', username: decoded.slice(0, i), password: decoded.slice(i + 1) } : undefined;
}

export async function startSimulators(config: Config, logger: Logger, which: SimulatorName[] = ['bs2', 'itau']): Promise<{ urls: Record<string, string>; close(): Promise<void> }> {
  const closers: (() => Promise<void>)[] = [];
  const urls: Record<string, string> = {};
  if (which.includes('bs2')) {
    const webhookUrl = config.SIM_BS2_WEBHOOK_URL ?? `http://127.0.0.1:${config.API_PORT}/webhooks/bs2/${config.BS2_ACCOUNT_ID}`;
    // Without it the API refuses every simulated webhook (401) when an Authorization is agreed.
    const auth = bs2WebhookAuth(config.BS2_WEBHOOK_AUTHORIZATION);
    const sim = await createBs2Simulator({
      port: config.SIM_BS2_PORT,
      host: config.SIM_HOST,
      autoTickMs: 1000,
      stateFile: join(resolve(config.DATA_DIR), 'simulators', 'bs2.json'),
      config: bs2SimConfig({
        accessTokenTtlSeconds: config.SIM_BS2_ACCESS_TOKEN_TTL_SECONDS,
        refreshTokenTtlHours: config.SIM_BS2_REFRESH_TOKEN_TTL_HOURS,
        ...(config.BS2_DUE_DATE_PATH ? { dueDateChangePath: config.BS2_DUE_DATE_PATH } : {}),
        webhook: { url: webhookUrl, ...(auth ? { auth } : {}) },
      }),
      log: (msg) => logger.debug({ component: 'sim-bs2' }, msg),
    });
    urls.bs2 = sim.url;
    closers.push(() => sim.close());
    logger.info({ url: sim.url, webhookUrl }, 'BS2 simulator listening');
  }
  if (which.includes('itau')) {
    // Itaú delivers notifications after a client_credentials token from the subscriber's OAuth URL.
    const webhookUrl = config.SIM_ITAU_WEBHOOK_URL ?? `http://127.0.0.1:${config.API_PORT}/webhooks/itau/${config.ITAU_ACCOUNT_ID}`;
    const oauthUrl = config.SIM_ITAU_WEBHOOK_OAUTH_URL ?? `${webhookUrl}/oauth/token`;
    const sim = await createItauSimulator({
      port: config.SIM_ITAU_PORT,
      publicPort: config.SIM_ITAU_PUBLIC_PORT,
      host: config.SIM_HOST,
      autoTickMs: 1000,
      pkiDir: itauSimPkiDir(config.DATA_DIR),
      stateFile: join(resolve(config.DATA_DIR), 'simulators', 'itau.json'),
      config: itauSimConfig({
        accessTokenTtlSeconds: config.SIM_ITAU_ACCESS_TOKEN_TTL_SECONDS,
        txidNossoNumeroWidth: config.ITAU_TXID_NOSSO_NUMERO_WIDTH,
        subscriptions: [
          {
            target: { url: webhookUrl, oauth: { tokenUrl: oauthUrl, clientId: config.SIM_ITAU_WEBHOOK_CLIENT_ID, clientSecret: config.SIM_ITAU_WEBHOOK_CLIENT_SECRET } },
            tipos: ['BAIXA_OPERACIONAL', 'BAIXA_EFETIVA'],
          },
        ],
        // The Pix side of bolecodes: the key the simulated account issues with (src/banks/itau/account.ts), to <webhookUrl>/pix.
        pixWebhooks: [{ chave: config.ITAU_PIX_KEY ?? 'pix@empresa-simulada.example', webhookUrl }],
      }),
      log: (msg) => logger.debug({ component: 'sim-itau' }, msg),
    });
    urls.itau = sim.url;
    closers.push(() => sim.close());
    logger.info({ url: sim.url, publicUrl: sim.publicUrl, webhookUrl, oauthUrl }, 'Itaú simulator listening (mTLS)');
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
