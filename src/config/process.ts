/** Process-wide settings: environment, log level, where state lives. */
import { z } from 'zod';
import { fragment } from './fields';

export const PROCESS_CONFIG = fragment({
  shape: {
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    /** Where state lives when running the embedded default (dev server SQLite file, pid lock). */
    DATA_DIR: z.string().trim().min(1).default('.data'),
  },
});
