/**
 * The Temporal parts of the cluster, configured from docker-compose.yml (compose.ts): the schema job
 * (deploy/temporal/setup-postgres.sh, the same script compose's `temporal-schema` runs), the server (the
 * env-templated `config/docker.yaml` of go.temporal.io/server, which the temporalio/server image runs, given the
 * `temporal` service's environment) and the Web UI (ui-server's own `config/docker.yaml`, given `temporal-ui`'s).
 * Only host names and ports differ: one machine has one network namespace, so every Temporal service port is
 * derived from the frontend's (TEMPORAL_PORT) with the image's default spacing.
 */
import { join } from 'node:path';
import { type ComposeFile, serviceEnv } from './compose';
import { PROJECT_ROOT } from '../version';

/** The binaries and templates scripts/temporal-server-bin.sh built. */
export interface TemporalTools {
  dir: string;
  server: string;
  sqlTool: string;
  uiServer: string;
  serverConfigDir: string;
  uiConfigDir: string;
  schemaDir: string;
}

export const temporalTools = (dir: string): TemporalTools => ({
  dir,
  server: join(dir, 'temporal-server'),
  sqlTool: join(dir, 'temporal-sql-tool'),
  uiServer: join(dir, 'temporal-ui-server'),
  serverConfigDir: join(dir, 'config', 'server'),
  uiConfigDir: join(dir, 'config', 'ui'),
  schemaDir: join(dir, 'schema'),
});

/** Every port the server binds, from the frontend's, with the image's spacing (7233 → 7234 history, 6933 …). */
export function temporalPorts(frontend: number) {
  const d = frontend - 7233;
  return {
    FRONTEND_GRPC_PORT: frontend,
    FRONTEND_HTTP_PORT: 7243 + d,
    FRONTEND_MEMBERSHIP_PORT: 6933 + d,
    HISTORY_GRPC_PORT: 7234 + d,
    HISTORY_MEMBERSHIP_PORT: 6934 + d,
    MATCHING_GRPC_PORT: 7235 + d,
    MATCHING_MEMBERSHIP_PORT: 6935 + d,
    WORKER_GRPC_PORT: 7239 + d,
    WORKER_MEMBERSHIP_PORT: 6939 + d,
  };
}

const strings = (o: Record<string, number | string>): Record<string, string> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));

/** Where a path inside a compose container comes from on this machine (a bind mount of the project). */
export function hostPathOf(compose: ComposeFile, service: string, containerPath: string): string {
  for (const v of compose.services[service]?.volumes ?? []) {
    const [host, inside] = v.split(':');
    if (host?.startsWith('./') && inside && (containerPath === inside || containerPath.startsWith(`${inside}/`))) {
      return join(PROJECT_ROOT, host, containerPath.slice(inside.length));
    }
  }
  throw new Error(`docker-compose.yml: ${service} mounts nothing at ${containerPath}`);
}

/** The server image's working directory: relative paths in its environment are relative to it. */
const SERVER_IMAGE_ROOT = '/etc/temporal';

export function schemaJobEnv(compose: ComposeFile, pg: { port: number }, tools: TemporalTools): Record<string, string> {
  return serviceEnv(compose, 'temporal-schema', {
    replace: { POSTGRES_SEEDS: '127.0.0.1', DB_PORT: String(pg.port) },
    add: { TEMPORAL_SCHEMA_DIR: tools.schemaDir },
  });
}

export function serverEnv(
  compose: ComposeFile,
  opts: { pgPort: number; frontendPort: number; shards: number },
): Record<string, string> {
  const dynamic = compose.services.temporal?.environment?.DYNAMIC_CONFIG_FILE_PATH;
  if (!dynamic) throw new Error('docker-compose.yml: temporal has no DYNAMIC_CONFIG_FILE_PATH');
  return serviceEnv(compose, 'temporal', {
    replace: {
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(opts.pgPort),
      BIND_ON_IP: '127.0.0.1',
      DYNAMIC_CONFIG_FILE_PATH: hostPathOf(compose, 'temporal', join(SERVER_IMAGE_ROOT, dynamic)),
    },
    add: {
      // The template reads the visibility store's port from POSTGRES_PORT (not DB_PORT).
      POSTGRES_PORT: String(opts.pgPort),
      TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
      NUM_HISTORY_SHARDS: String(opts.shards),
      ...strings(temporalPorts(opts.frontendPort)),
    },
  });
}

export function uiEnv(
  compose: ComposeFile,
  opts: { frontendPort: number; uiPort: number; apiPort: number },
): Record<string, string> {
  const codec = new URL(
    compose.services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT ?? 'http://localhost:3000/codec',
  );
  codec.port = String(opts.apiPort);
  return serviceEnv(compose, 'temporal-ui', {
    replace: { TEMPORAL_ADDRESS: `127.0.0.1:${opts.frontendPort}`, TEMPORAL_CODEC_ENDPOINT: codec.toString() },
    add: { TEMPORAL_UI_PORT: String(opts.uiPort) },
  });
}

/** The server's command line: the image's entrypoint runs the same template (config/docker.yaml). */
export const serverArgs = (tools: TemporalTools): string[] => [
  '--config-file',
  join(tools.serverConfigDir, 'docker.yaml'),
  '--allow-no-auth',
  'start',
];
/** The UI server's: `--env docker` picks config/ui/docker.yaml under --root. */
export const uiArgs = (tools: TemporalTools): string[] => [
  '--root',
  tools.dir,
  '--config',
  'config/ui',
  '--env',
  'docker',
  'start',
];
