/** The bank simulators `npm start` runs (src/simulators/main.ts); each bank's own simulator settings are in its fragment. */
import { bool, fragment } from './fields';
import { z } from 'zod';

export const SIMULATORS_CONFIG = fragment({
  shape: {
    /** Bank simulators run by `npm start` (src/simulators/main.ts). */
    SIMULATORS_ENABLED: bool(true),
    SIM_HOST: z.string().trim().default('127.0.0.1'),
  },
});
