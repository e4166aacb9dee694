/** Itaú's simulator as `npm start` runs it (src/simulators/main.ts). */
import { join, resolve } from 'node:path';
import type { Config } from '../../config';
import type { Logger } from '../../logging';
import { itauSimConfig } from './config';
import { itauSimPkiDir } from './default-account';
import { createItauSimulator } from './server';

export async function startItauSimulator(
  config: Config,
  logger: Logger,
): Promise<{ url: string; close(): Promise<void> }> {
  // Itaú delivers notifications after a client_credentials token from the subscriber's OAuth URL.
  const webhookUrl =
    config.SIM_ITAU_WEBHOOK_URL ?? `http://127.0.0.1:${config.API_PORT}/webhooks/itau/${config.ITAU_ACCOUNT_ID}`;
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
          target: {
            url: webhookUrl,
            oauth: {
              tokenUrl: oauthUrl,
              clientId: config.SIM_ITAU_WEBHOOK_CLIENT_ID,
              clientSecret: config.SIM_ITAU_WEBHOOK_CLIENT_SECRET,
            },
          },
          tipos: ['BAIXA_OPERACIONAL', 'BAIXA_EFETIVA'],
        },
      ],
      // The Pix side of bolecodes: the key the simulated account issues with (src/banks/itau/account.ts), to <webhookUrl>/pix.
      pixWebhooks: [{ chave: config.ITAU_PIX_KEY ?? 'pix@empresa-simulada.example', webhookUrl }],
    }),
    log: (msg) => logger.debug({ component: 'sim-itau' }, msg),
  });
  logger.info({ url: sim.url, publicUrl: sim.publicUrl, webhookUrl, oauthUrl }, 'Itaú simulator listening (mTLS)');
  return { url: sim.url, close: () => sim.close() };
}
