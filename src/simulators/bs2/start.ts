/** Banco BS2's simulator as `npm start` runs it (src/simulators/main.ts). */
import { join, resolve } from 'node:path';
import type { Config } from '../../config';
import type { Logger } from '../../logging';
import type { WebhookAuth } from '../shared/webhooks';
import { bs2SimConfig } from './config';
import { createBs2Simulator } from './server';

/** The Authorization agreed with BS2 (BS2_WEBHOOK_AUTHORIZATION), as the simulated bank must send it on webhooks. */
export function bs2WebhookAuth(value: string | undefined): WebhookAuth | undefined {
  const m = value ? /^(Bearer|Basic)\s+(\S+)$/i.exec(value.trim()) : null;
  if (!m) return undefined;
  if (m[1]!.toLowerCase() === 'bearer') return { type: 'bearer', token: m[2]! };
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i > 0 ? { type: 'basic', username: decoded.slice(0, i), password: decoded.slice(i + 1) } : undefined;
}

export async function startBs2Simulator(
  config: Config,
  logger: Logger,
): Promise<{ url: string; close(): Promise<void> }> {
  const webhookUrl =
    config.SIM_BS2_WEBHOOK_URL ?? `http://127.0.0.1:${config.API_PORT}/webhooks/bs2/${config.BS2_ACCOUNT_ID}`;
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
  logger.info({ url: sim.url, webhookUrl }, 'BS2 simulator listening');
  return { url: sim.url, close: () => sim.close() };
}
