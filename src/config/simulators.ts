/** The bank simulators `npm start` runs (src/simulators/main.ts); each bank's own simulator settings are in its fragment. */
import { bool, fragment } from './fields';
import { z } from 'zod';

export const SIMULATORS_CONFIG = fragment({
  shape: {
    SIMULATORS_ENABLED: bool(true).describe(
      'run the embedded bank simulators under `npm start` (`src/simulators/main.ts`)',
    ),
    SIM_HOST: z.string().trim().default('127.0.0.1').describe('address the embedded simulators bind to'),
  },
});
