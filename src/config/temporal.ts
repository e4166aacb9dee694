/** Temporal: the embedded dev server or an external cluster, TLS, the payload codec's keys, and the worker. */
import { z } from 'zod';
import { parsePayloadKeys } from '../temporal/codec';
import { bool, emptyAsUnset, fragment, optionalString, port } from './fields';

/** host:port, as Temporal's gRPC frontend expects. */
const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port, e.g. temporal.example.com:7233');

export const TEMPORAL_CONFIG = fragment({
  shape: {
    TEMPORAL_ADDRESS: emptyAsUnset(hostPort).describe(
      '`host:port` of an external Temporal cluster; unset = start the embedded dev server',
    ),
    TEMPORAL_NAMESPACE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/, 'must be a Temporal namespace name (letters, digits, . _ -)')
      .default('boletoflow')
      .describe('namespace for all workflows'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('boletoflow').describe('task queue the worker polls'),
    TEMPORAL_RETENTION_DAYS: z.coerce
      .number({ error: 'must be a number of days' })
      .int('must be whole days')
      .min(1, 'must be at least 1 day (Temporal’s minimum)')
      .max(3650)
      .default(30)
      .describe(
        "how long Temporal keeps a closed workflow's history (what the Web UI can open); set on the embedded dev server's namespace at every start and by `npm run temporal:setup` on an external cluster. Boletos themselves stay in the records store",
      ),
    TEMPORAL_TLS: bool(false).describe(
      'force TLS to the cluster (on automatically with a client certificate or an API key)',
    ),
    TEMPORAL_TLS_CERT_PATH: optionalString.describe(
      'mTLS client certificate (PEM file) for an external cluster; set together with `TEMPORAL_TLS_KEY_PATH`',
    ),
    TEMPORAL_TLS_KEY_PATH: optionalString.describe(
      'mTLS client key (PEM file); set together with `TEMPORAL_TLS_CERT_PATH`',
    ),
    TEMPORAL_TLS_CA_PATH: optionalString.describe("CA bundle for a self-hosted cluster's server certificate"),
    TEMPORAL_TLS_SERVER_NAME: optionalString.describe('TLS server name override'),
    TEMPORAL_API_KEY: optionalString.describe('Temporal Cloud API key (sent as a bearer token; implies TLS)'),

    TEMPORAL_CLI_PATH: optionalString.describe(
      'the `temporal` binary that runs the embedded dev server; unset = `.tools/bin/temporal` (installed by `scripts/temporal-bin.sh`)',
    ),
    TEMPORAL_PORT: port(7233).describe("embedded dev server's gRPC port (ignored with `TEMPORAL_ADDRESS`)"),
    TEMPORAL_UI_PORT: port(8233).describe("embedded dev server's Web UI port (ignored with `TEMPORAL_ADDRESS`)"),
    TEMPORAL_IP: z
      .string()
      .trim()
      .default('127.0.0.1')
      .describe('address the embedded dev server and its Web UI bind to'),
    PAYLOAD_ENCRYPTION_KEYS: optionalString
      .superRefine((v, ctx) => {
        if (v === undefined) return;
        try {
          parsePayloadKeys(v);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      })
      .describe(
        '`id:base64(32 bytes)`, comma-separated; AES-256-GCM keys that encrypt every workflow payload in Temporal\'s history (the first encrypts, all decrypt, so a key rotates by putting a new one first). **Required** with an external cluster; unset with the embedded server = a key generated into `DATA_DIR/payload-keys`. Make one: `echo "k1:$(openssl rand -base64 32)"`',
      ),
    WORKER_METRICS_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(9464)
      .describe("worker's Prometheus endpoint (Temporal runtime + activity metrics); `0` = off"),

    WORKER_MAX_CACHED_WORKFLOWS: z.coerce
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(600)
      .describe(
        "workflows the worker keeps in memory between their tasks; a boleto's next task is usually days away, so the SDK's heap-sized default (~2,300) mostly cost heap and GC pauses (docs/benchmark.md)",
      ),

    WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(600)
      .default(10)
      .describe('on shutdown, how long running activities may finish before they are cancelled'),
  },
  check(c, ctx) {
    if ((c.TEMPORAL_TLS_CERT_PATH === undefined) !== (c.TEMPORAL_TLS_KEY_PATH === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.TEMPORAL_TLS_CERT_PATH === undefined ? 'TEMPORAL_TLS_CERT_PATH' : 'TEMPORAL_TLS_KEY_PATH'],
        message: 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together (mTLS client certificate)',
      });
    }
    if (c.TEMPORAL_ADDRESS !== undefined && c.PAYLOAD_ENCRYPTION_KEYS === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYLOAD_ENCRYPTION_KEYS'],
        message:
          'required with an external Temporal cluster (history is encrypted); generate one with: echo "k1:$(openssl rand -base64 32)"',
      });
    }
    if (c.TEMPORAL_ADDRESS === undefined) {
      for (const k of ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_API_KEY'] as const) {
        if (c[k] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: 'only applies to an external cluster: set TEMPORAL_ADDRESS too',
          });
        }
      }
    }
  },
});

/** True when no external cluster is configured and this service runs its own dev server. */
export const isEmbedded = (c: { TEMPORAL_ADDRESS?: string }): boolean => c.TEMPORAL_ADDRESS === undefined;

/** The address worker and API connect to. */
export const temporalAddress = (c: { TEMPORAL_ADDRESS?: string; TEMPORAL_IP: string; TEMPORAL_PORT: number }): string =>
  c.TEMPORAL_ADDRESS ?? `${c.TEMPORAL_IP === '0.0.0.0' ? '127.0.0.1' : c.TEMPORAL_IP}:${c.TEMPORAL_PORT}`;
