/** The records store (PostgreSQL, or the embedded PGlite server). */
import { z } from 'zod';
import { fragment, optionalString, port } from './fields';

/** postgres://… or postgresql://… with a host (what `pg` accepts as a connection string). */
function isPostgresUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export const RECORDS_CONFIG = fragment({
  shape: {
    DATABASE_URL: optionalString
      .pipe(
        z
          .string()
          .refine(
            isPostgresUrl,
            'must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/db',
          )
          .optional(),
      )
      .describe(
        "the records store's PostgreSQL (≥ 13), e.g. `postgres://user:pass@db:5432/boletoflow`; unset = the embedded store (PGlite, data in `DATA_DIR/records`, served on `RECORDS_HOST:RECORDS_PORT`)",
      ),
    RECORDS_HOST: z
      .string()
      .trim()
      .min(1)
      .default('127.0.0.1')
      .describe(
        'where the embedded records store (PGlite over the PostgreSQL protocol) listens; ignored with `DATABASE_URL`',
      ),
    RECORDS_PORT: port(7235).describe('port of the embedded records store; ignored with `DATABASE_URL`'),
    RECORDS_RETENTION_YEARS: z.coerce
      .number({ error: 'must be a number of years' })
      .int('must be whole years')
      .min(1, 'must be at least 1 year')
      .max(100)
      .optional()
      .describe(
        '`npm run records -- purge` removes boletos final for more than this many years (and records the purge); unset = keep forever (purge refuses to run)',
      ),
    RECORDS_RECONCILE_MINUTES: z.coerce
      .number({ error: 'must be a number of minutes' })
      .int()
      .min(1)
      .max(1440)
      .default(10)
      .describe('period of the drift repair (a Temporal Schedule comparing the store with the boleto workflows)'),
  },
});

/** The address the embedded records store is reached at (a wildcard bind is reached on loopback). */
const recordsConnectHost = (c: { RECORDS_HOST: string }): string => {
  const h = c.RECORDS_HOST === '0.0.0.0' ? '127.0.0.1' : c.RECORDS_HOST === '::' ? '::1' : c.RECORDS_HOST;
  return h.includes(':') ? `[${h}]` : h;
};

/**
 * The records store's connection string: DATABASE_URL, or (embedded default, no DATABASE_URL) the PGlite server
 * `npm start` runs on RECORDS_HOST:RECORDS_PORT. Typed `| undefined` for a store that can be switched off; today
 * it always returns a URL.
 */
export const recordsUrl = (c: {
  DATABASE_URL?: string;
  RECORDS_HOST: string;
  RECORDS_PORT: number;
}): string | undefined => c.DATABASE_URL ?? `postgres://postgres@${recordsConnectHost(c)}:${c.RECORDS_PORT}/postgres`;
