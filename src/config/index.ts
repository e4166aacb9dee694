/**
 * All configuration comes from environment variables, validated at start-up by one zod schema merged from one
 * fragment per concern (./process.ts, ./records.ts, ./temporal.ts, ./api.ts, ./boletos.ts, ./simulators.ts) and one
 * per bank (src/banks/<bank>/settings.ts). A bad value stops the process with a message naming the variable and what
 * is wrong (never a stack trace).
 */
import { z } from 'zod';
import { BS2_SETTINGS } from '../banks/bs2/settings';
import { ITAU_SETTINGS } from '../banks/itau/settings';
import { SICOOB_SETTINGS } from '../banks/sicoob/settings';
import type { BankCode } from '../contracts/bank';
import { API_CONFIG } from './api';
import { BOLETOS_CONFIG } from './boletos';
import { PROCESS_CONFIG } from './process';
import { RECORDS_CONFIG } from './records';
import { SIMULATORS_CONFIG } from './simulators';
import { TEMPORAL_CONFIG } from './temporal';

export { codecCorsOrigins, codecEndpointUrl, codecTenants } from './api';
export { recordsUrl } from './records';
export { isEmbedded, temporalAddress } from './temporal';

/** Each bank's variables (the registry line a new bank adds here). */
const BANK_SETTINGS = { BS2: BS2_SETTINGS, ITAU: ITAU_SETTINGS, SICOOB: SICOOB_SETTINGS } satisfies Record<
  BankCode,
  unknown
>;

const FRAGMENTS = [
  PROCESS_CONFIG,
  RECORDS_CONFIG,
  TEMPORAL_CONFIG,
  API_CONFIG,
  BOLETOS_CONFIG,
  SIMULATORS_CONFIG,
  ...Object.values(BANK_SETTINGS),
];

export const configSchema = z
  .object({
    ...PROCESS_CONFIG.shape,
    ...RECORDS_CONFIG.shape,
    ...TEMPORAL_CONFIG.shape,
    ...API_CONFIG.shape,
    ...BOLETOS_CONFIG.shape,
    ...SIMULATORS_CONFIG.shape,
    ...BANK_SETTINGS.BS2.shape,
    ...BANK_SETTINGS.ITAU.shape,
    ...BANK_SETTINGS.SICOOB.shape,
  })
  .superRefine((c, ctx) => {
    // Each fragment checks its own variables together (e.g. the TLS pair, a bank's credentials).
    for (const f of FRAGMENTS) f.check?.(c, ctx);
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n') +
        '\n(every variable: docs/configuration.md)',
    );
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const raw = env[variable];
      // Never echo values of secret-bearing variables back into logs.
      // DATABASE_URL usually carries a password.
      const shown =
        raw === undefined || /KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL/i.test(variable)
          ? ''
          : ` (got ${JSON.stringify(raw)})`;
      return { variable, message: issue.message + shown };
    }),
  );
}
