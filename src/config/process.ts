/** Process-wide settings: environment, log level, where state lives. */
import { z } from 'zod';
import { fragment } from './fields';

export const PROCESS_CONFIG = fragment({
  shape: {
    NODE_ENV: z
      .enum(['development', 'production', 'test'])
      .default('development')
      .describe('`development`, `production` or `test`; set by the images and the test runner, not needed by hand'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe(
        '`fatal` `error` `warn` `info` `debug` `trace` `silent`; logs are JSON lines (pino) with secrets redacted',
      ),

    DATA_DIR: z
      .string()
      .trim()
      .min(1)
      .default('.data')
      .describe(
        "embedded mode: Temporal's SQLite file, the records store (`records/`), the payload key and the single-instance lock",
      ),
  },
});
