/**
 * The building blocks of the configuration schema (src/config/index.ts): every variable is parsed from the
 * environment's strings, an empty value counting as unset where a variable is optional.
 */
import { z } from 'zod';

export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(fallback);

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(fallback);

export const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** `schema`, or unset when the variable is missing or empty. */
export const emptyAsUnset = <T extends z.ZodType>(schema: T) =>
  schema.optional().or(z.literal('').transform(() => undefined));

/** An absolute URL, or unset when missing or empty. */
export const optionalUrl = (message = 'must be an absolute URL') => emptyAsUnset(z.url({ error: message }));

/** `a, b, c` → ['a', 'b', 'c'], each checked by `item`; unset or blank = undefined. */
export const commaList = (item: z.ZodString) =>
  optionalString.pipe(
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(item).min(1))
      .optional(),
  );

/** A bank account id as the environment names it. */
export const accountId = (fallback: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be letters, digits, . _ - (max 64)')
    .default(fallback);

/** One concern's variables and its cross-variable checks. */
export interface ConfigFragment<S extends z.ZodRawShape> {
  shape: S;
  check?(c: z.infer<z.ZodObject<S>>, ctx: z.RefinementCtx): void;
}

export const fragment = <S extends z.ZodRawShape>(f: ConfigFragment<S>): ConfigFragment<S> => f;
