/**
 * docker-compose.yml is the one description of the production shape. `npm run cluster` reads it instead of
 * repeating it: each service's environment (anchors merged, `${VAR:-default}` resolved the way compose resolves
 * it) is what the same program gets here, and only what compose's network provides differently on one machine
 * (host names → 127.0.0.1, the ports this machine has free) is overridden, by name, in `cluster/main.ts`. The static
 * compose test (test/deploy/docker-compose.test.ts) checks that every override names a variable compose sets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../version';

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

export const COMPOSE_FILE = join(PROJECT_ROOT, 'docker-compose.yml');

/** What `docker compose` does with ${VAR}, ${VAR:-default} and ${VAR:?error} given this environment. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    // ${VAR:-default} and ${VAR:?error} treat an empty value as unset; a plain ${VAR} becomes empty.
    if (op === '-') return arg ?? '';
    if (op === '?') throw new Error(`docker-compose.yml needs ${name}: ${arg ?? ''}`);
    return value ?? '';
  });
}

export function readCompose(env: Record<string, string | undefined>, file = COMPOSE_FILE): ComposeFile {
  return parse(interpolate(readFileSync(file, 'utf8'), env), { merge: true }) as ComposeFile;
}

/**
 * A service's environment as compose gives it, with what one machine needs instead of compose's network:
 *   replace  variables compose sets, to other values (host names → 127.0.0.1); each must exist in compose;
 *   add      variables compose leaves to the image's defaults because every container has its own ports
 *            (the Temporal services' ports); none may exist in compose, or it would be silently replaced.
 */
export function serviceEnv(
  compose: ComposeFile,
  service: string,
  local: { replace?: Record<string, string>; add?: Record<string, string> } = {},
): Record<string, string> {
  const s = compose.services[service];
  if (!s) throw new Error(`docker-compose.yml has no service ${service}`);
  const env: Record<string, string> = Object.fromEntries(
    Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]),
  );
  for (const [k, v] of Object.entries(local.replace ?? {})) {
    if (!(k in env))
      throw new Error(`cluster: ${service}.${k} is not set in docker-compose.yml, so it cannot be replaced`);
    env[k] = v;
  }
  for (const [k, v] of Object.entries(local.add ?? {})) {
    if (k in env)
      throw new Error(`cluster: ${service}.${k} is set in docker-compose.yml (${env[k]}); replace it instead`);
    env[k] = v;
  }
  return env;
}
