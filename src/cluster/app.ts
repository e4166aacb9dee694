/**
 * The environment of this project's own processes in the cluster (setup jobs, workers, API): docker-compose.yml's
 * for the same service (`boletoflow-*`), with the Temporal and PostgreSQL addresses of this machine instead of
 * compose's host names, and the ports of this run.
 */
import { type ComposeFile, serviceEnv } from './compose';

export interface AppPorts {
  temporalPort: number;
  pgPort: number;
  apiPort: number;
  uiPort: number;
}

export function appServiceEnv(compose: ComposeFile, service: string, p: AppPorts): Record<string, string> {
  const composed = compose.services[service]?.environment?.DATABASE_URL;
  if (!composed) throw new Error(`docker-compose.yml: ${service} has no DATABASE_URL`);
  const db = new URL(composed);
  db.hostname = '127.0.0.1';
  db.port = String(p.pgPort);
  return serviceEnv(compose, service, {
    replace: {
      TEMPORAL_ADDRESS: `127.0.0.1:${p.temporalPort}`,
      DATABASE_URL: db.toString(),
      ...(service === 'boletoflow-api'
        ? {
            API_PORT: String(p.apiPort),
            CODEC_CORS_ORIGINS: `http://localhost:${p.uiPort},http://127.0.0.1:${p.uiPort}`,
          }
        : {}),
    },
  });
}
