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
    /** Set to use an external Temporal cluster; unset = start the embedded dev server. */
    TEMPORAL_ADDRESS: emptyAsUnset(hostPort),
    TEMPORAL_NAMESPACE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/, 'must be a Temporal namespace name (letters, digits, . _ -)')
      .default('boletoflow'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('boletoflow'),
    /** Days Temporal keeps closed workflows' histories (src/temporal/retention.ts): embedded server and temporal:setup alike. */
    TEMPORAL_RETENTION_DAYS: z.coerce.number({ error: 'must be a number of days' }).int('must be whole days').min(1, 'must be at least 1 day (Temporal’s minimum)').max(3650).default(30),
    /** TLS to the cluster: on when a client certificate or API key is given, or when forced here. */
    TEMPORAL_TLS: bool(false),
    TEMPORAL_TLS_CERT_PATH: optionalString,
    TEMPORAL_TLS_KEY_PATH: optionalString,
    TEMPORAL_TLS_CA_PATH: optionalString,
    TEMPORAL_TLS_SERVER_NAME: optionalString,
    /** Temporal Cloud API key (sent as a bearer token; implies TLS). */
    TEMPORAL_API_KEY: optionalString,

    /** The `temporal` CLI that runs the embedded dev server (default: the one scripts/temporal-bin.sh provides). */
    TEMPORAL_CLI_PATH: optionalString,
    /** Embedded dev server ports (ignored with TEMPORAL_ADDRESS). */
    TEMPORAL_PORT: port(7233),
    TEMPORAL_UI_PORT: port(8233),
    /** IP the embedded server and UI bind to. */
    TEMPORAL_IP: z.string().trim().default('127.0.0.1'),
    /**
     * AES-256-GCM keys for the payload codec that encrypts workflow history: `id:base64(32 bytes)`, comma-separated,
     * the first encrypts, all decrypt (rotation). Required with an external cluster; the embedded default keeps a
     * generated key in DATA_DIR/payload-keys.
     */
    PAYLOAD_ENCRYPTION_KEYS: optionalString.superRefine((v, ctx) => {
      if (v === undefined) return;
      try {
        parsePayloadKeys(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
    /** Worker: Prometheus endpoint of the Temporal runtime (SDK + custom metrics) on this port; 0 = off. */
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),

    /**
     * Worker: how many workflows it keeps in memory between their tasks. A boleto's next task usually comes days
     * later, so the SDK's default (sized from the heap: ~2,300 on a 4 GB heap) mostly costs heap and GC: in the
     * 600 s bench 600 gave p99 133 ms at 10/s (2,300: 236 ms), 0.59 instead of 0.66 worker cores, 0.9 instead of
     * 1.4 GB. The hot ones (registry, token keeper, boletos between registration and its notification) stay in.
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(600),

    /** Worker: seconds to let running activities finish on shutdown before they are cancelled. */
    WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(10),
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
        message: 'required with an external Temporal cluster (history is encrypted); generate one with: echo "k1:$(openssl rand -base64 32)"',
      });
    }
    if (c.TEMPORAL_ADDRESS === undefined) {
      for (const k of ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_API_KEY'] as const) {
        if (c[k] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [k], message: 'only applies to an external cluster: set TEMPORAL_ADDRESS too' });
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
