/**
 * Structured JSON logs (pino). Secrets never reach a log line: every object logged passes through
 * `redactSecrets`, which masks values under secret-looking keys at any depth, and secret-looking
 * substrings (bearer tokens, PEM blocks) inside strings.
 */
import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export const REDACTED = '[REDACTED]';

/** Keys whose values are always secret, whatever the nesting (client_secret, apiSecret, x-api-key, ...). */
const SECRET_KEY =
  /(secret|passw(or)?d|senha|token|authorization|api[-_]?key|private[-_]?key|certificate|cert(_?pem)?$|^cookie$|^set-cookie$|pfx|credential|^key$|tls_?key)/i;

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

export function redactString(s: string): string {
  return s.replace(PEM_BLOCK, REDACTED).replace(BEARER, `$1 ${REDACTED}`);
}

/** Returns a copy of `value` with secrets masked. Handles cycles and caps depth (logs are not dumps). */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[Truncated]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    return { type: value.name, message: redactString(value.message), stack: value.stack && redactString(value.stack) };
  }
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1, seen));
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redactSecrets(v, depth + 1, seen);
  }
  return out;
}

export interface LogSettings {
  level: LoggerOptions['level'];
  name?: string;
}

export function createLogger(settings: LogSettings, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.name ?? 'boletoflow', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => redactSecrets(obj) as Record<string, unknown>,
    },
    hooks: {
      // Messages are redacted too: a token interpolated into a message string is still a leak.
      logMethod(args, method) {
        const redacted = args.map((a) => (typeof a === 'string' ? redactString(a) : a)) as Parameters<typeof method>;
        method.apply(this, redacted);
      },
    },
    serializers: { err: (e: unknown) => redactSecrets(e) },
  };
  return destination ? pino(options, destination) : pino(options);
}
