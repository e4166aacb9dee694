/**
 * Free text in a request (payer name and address, messages, references, reasons, onboarding names and notes): the
 * one schema every such field uses. Control characters (Unicode category Cc: C0 U+0000–U+001F, DEL U+007F and C1
 * U+0080–U+009F) are refused, not stripped: banks refuse them or print them on the slip, they split log lines and
 * e-mail headers, and silently changing what the client sent would make the stored boleto differ from its request.
 * The check runs before trimming, so a trailing newline is refused too rather than hidden.
 */
import { z } from 'zod';

/**
 * Not blank, and no control characters at all (one line of text). One pattern, so the OpenAPI document carries all
 * of the rule; written as explicit ranges rather than \P{Cc}, which clients and fuzzers that build values from the
 * document (schemathesis, Python's re) cannot use. Something besides spaces is required because the value is trimmed.
 */
export const SINGLE_LINE =
  // eslint-disable-next-line no-control-regex -- the control characters are what this pattern refuses
  /^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$/;
/** The same with line feeds allowed (notes typed in a text area). */
export const MULTI_LINE =
  // eslint-disable-next-line no-control-regex -- the control characters are what this pattern refuses
  /^[^\u0000-\u0009\u000B-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0009\u000B-\u001F\u007F-\u009F]*$/;

const REASON =
  'must not be blank nor contain control characters (U+0000–U+001F, U+007F–U+009F, e.g. a NUL, tab or line break)';
const REASON_MULTILINE =
  'must not be blank nor contain control characters other than line feeds (U+0000–U+001F, U+007F–U+009F)';

/** Trimmed free text of 1..max characters (`multiline`: line feeds allowed). */
export function freeText(max: number, opts: { min?: number; multiline?: boolean } = {}) {
  const min = opts.min ?? 1;
  return z
    .string()
    .regex(opts.multiline ? MULTI_LINE : SINGLE_LINE, opts.multiline ? REASON_MULTILINE : REASON)
    .max(max, `must be at most ${max} characters`) // as sent (what the document's maxLength says), and after trimming
    .trim()
    .min(min, min === 1 ? 'is required' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);
}

/**
 * An e-mail address, as zod checks it; the document carries zod's own pattern, because format: email alone admits
 * addresses (quoted local parts, IP literals) that zod refuses.
 */
export const emailAddress = (error = 'must be an e-mail address') =>
  z.email({ error }).meta({ pattern: z.regexes.email.source });

/** A client_id UUID as the bank sent it. */
export const clientIdUuid = z
  .string()
  .trim()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    'must be the client_id UUID the bank sent',
  );

/** A secret as submitted (never trimmed: it is used exactly as given). */
export const secretText = (max: number) =>
  z.string().min(1, 'is required').max(max, `must be at most ${max} characters`);
