/** The HTTP API: where it listens, its limits, how it is reached, and the codec endpoint. */
import { z } from 'zod';
import { allowEntryProblem } from '../access/webhook-targets';
import { commaList, fragment, port } from './fields';

/** A browser origin: scheme://host[:port] and nothing else (what the Origin header carries). */
function isOrigin(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s;
  } catch {
    return false;
  }
}

export const API_CONFIG = fragment({
  shape: {
    API_HOST: z.string().trim().default('0.0.0.0').describe('where the HTTP API listens'),
    API_PORT: port(3000).describe('port of the HTTP API'),
    API_RATE_LIMIT_PER_MINUTE: z.coerce
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(600)
      .describe('requests per minute per API key (authenticated routes)'),
    API_KEY_GRACE_SECONDS: z.coerce
      .number({ error: 'must be a number of seconds' })
      .int()
      .min(0)
      .max(86_400)
      .default(300)
      .describe(
        'while the access registry cannot answer (every worker restarting), the API keeps its last good copy of the keys this long past its 5 s TTL: a revoked key then works for up to this + 5 s; 0 = never past the TTL',
      ),
    WEBHOOK_ALLOWED_HOSTS: commaList(
      z
        .string()
        .refine(
          (v) => allowEntryProblem(v) === undefined,
          'each entry must be a host name, IP address or CIDR range (e.g. localhost, 10.0.0.5, 10.0.0.0/8)',
        ),
    ).describe(
      'tenant webhook targets allowed although not public: host names, IPs, CIDR ranges, comma-separated. By default loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254.169.254 metadata), 0.0.0.0 and other non-public addresses are refused at `PUT /v1/webhook-endpoint` and `npm run keys -- webhook` (IP literals, localhost) and by the worker after DNS, on the address it connects to. With `npm start` and a receiver on your machine, set `WEBHOOK_ALLOWED_HOSTS=localhost,127.0.0.1`',
    ),
    API_BODY_LIMIT: z
      .string()
      .trim()
      .regex(/^\d+(b|kb|mb)$/i, 'must be a size like 256kb or 1mb')
      .default('256kb')
      .describe('largest JSON body accepted, e.g. `256kb` or `1mb`'),
    PUBLIC_BASE_URL: z
      .url({ error: 'must be an absolute URL, e.g. https://boletos.example.com' })
      .optional()
      .describe(
        "the API's public URL (no trailing slash), used as the OpenAPI `servers` entry, for the codec endpoint the embedded Web UI is pointed at, and to make the codec cookie `Secure` over HTTPS",
      ),

    CODEC_CORS_ORIGINS: commaList(
      z
        .string()
        .refine(
          isOrigin,
          'each entry must be an origin like https://temporal.example.com (scheme, host and port only)',
        ),
    ).describe(
      'Web UI origins allowed to call the codec endpoint (`/codec`) from a browser with its session cookie, comma-separated; unset = the embedded UI, `http://localhost:<TEMPORAL_UI_PORT>` and `http://127.0.0.1:<TEMPORAL_UI_PORT>`',
    ),
    CODEC_TENANTS: commaList(
      z.string().regex(/^\*$|^[a-z0-9][a-z0-9-]{1,62}$/, 'each entry must be a tenant id or *'),
    ).describe(
      "tenants whose **operator** keys may use the codec endpoint (it decrypts every tenant's payloads), comma-separated; `*` = any tenant; unset = `ACCOUNTS_TENANT_ID`",
    ),
    CODEC_SESSION_HOURS: z.coerce
      .number({ error: 'must be a number of hours' })
      .min(0.01)
      .max(720)
      .default(8)
      .describe('lifetime of a `/codec/login` browser session'),
  },
});

type CodecSettings = {
  CODEC_CORS_ORIGINS?: string[];
  CODEC_TENANTS?: string[];
  TEMPORAL_UI_PORT: number;
  ACCOUNTS_TENANT_ID: string;
  PUBLIC_BASE_URL?: string;
  API_PORT: number;
};

/** Web UI origins allowed to call the codec endpoint with credentials: CODEC_CORS_ORIGINS, or the embedded UI's. */
export const codecCorsOrigins = (c: CodecSettings): string[] =>
  c.CODEC_CORS_ORIGINS ?? [`http://localhost:${c.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${c.TEMPORAL_UI_PORT}`];

/** Tenants whose operator keys may use the codec endpoint; '*' = any tenant. */
export const codecTenants = (c: CodecSettings): readonly string[] | '*' =>
  c.CODEC_TENANTS?.includes('*') ? '*' : (c.CODEC_TENANTS ?? [c.ACCOUNTS_TENANT_ID]);

/** The codec endpoint as a browser on this machine reaches it (what the embedded Web UI is pointed at). */
export const codecEndpointUrl = (c: CodecSettings): string =>
  `${c.PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? `http://localhost:${c.API_PORT}`}/codec`;
