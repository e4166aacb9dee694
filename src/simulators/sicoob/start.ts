/**
 * Sicoob's simulator as `npm start` runs it (src/simulators/main.ts): mTLS API on SIM_SICOOB_PORT, TLS-only admin on
 * SIM_SICOOB_PUBLIC_PORT, test CA in DATA_DIR/simulators/sicoob/pki, state in DATA_DIR/simulators/sicoob.json. The
 * default account's payment webhook (movement type 7) is registered at the bank at first start, pointing at this
 * API's receiver, as CS would register it for a real account.
 */
import { join, resolve } from 'node:path';
import type { Config } from '../../config';
import type { Logger } from '../../logging';
import { SICOOB_SIM_DEFAULT_CLIENT_ID } from './config';
import { sicoobSimPkiDir } from './default-account';
import { createSicoobSimulator } from './server';

export async function startSicoobSimulator(
  config: Config,
  logger: Logger,
): Promise<{ url: string; close(): Promise<void> }> {
  const webhookUrl =
    config.SIM_SICOOB_WEBHOOK_URL ?? `http://127.0.0.1:${config.API_PORT}/webhooks/sicoob/${config.SICOOB_ACCOUNT_ID}`;
  const sim = await createSicoobSimulator({
    port: config.SIM_SICOOB_PORT,
    publicPort: config.SIM_SICOOB_PUBLIC_PORT,
    host: config.SIM_HOST,
    autoTickMs: 1000,
    pkiDir: sicoobSimPkiDir(config.DATA_DIR),
    stateFile: join(resolve(config.DATA_DIR), 'simulators', 'sicoob.json'),
  });
  const existing = sim.bank.webhooksOf(SICOOB_SIM_DEFAULT_CLIENT_ID).find((w) => w.codigoTipoMovimento === 7);
  if (!existing) sim.bank.createWebhook({ url: webhookUrl, codigoTipoMovimento: 7, codigoPeriodoMovimento: 1 });
  else if (existing.url !== webhookUrl) sim.bank.updateWebhook(existing.idWebhook, { url: webhookUrl });
  logger.info({ url: sim.url, publicUrl: sim.publicUrl, webhookUrl }, 'Sicoob simulator listening (mTLS)');
  return { url: sim.url, close: () => sim.close() };
}
