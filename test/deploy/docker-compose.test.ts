/**
 * docker-compose.yml cannot run here (no Docker engine), so it is checked statically: the services the
 * docs/operations.md documents exist, the app services point at the Temporal service, Temporal points at PostgreSQL,
 * start-up order is enforced, every app env var is one the config schema knows (a typo would otherwise
 * be silently ignored), and each container command runs a file the build produces.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appServiceEnv } from '../../src/cluster/app';
import { interpolate, readCompose, serviceEnv } from '../../src/cluster/compose';
import { schemaJobEnv, serverEnv, temporalPorts, temporalTools, uiEnv } from '../../src/cluster/temporal';
import { configSchema } from '../../src/config';

const ROOT = join(__dirname, '..', '..');

const composeEnv = { PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}` };
const services = readCompose(composeEnv).services;
const APP = ['boletoflow-setup', 'boletoflow-records-setup', 'boletoflow-worker', 'boletoflow-api'];

describe('docker-compose.yml', () => {
  it('services › as documented in docs/operations.md › all present', () => {
    const readme = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    const expected = ['postgresql', 'temporal-schema', 'temporal', 'temporal-ui', ...APP];
    expect(Object.keys(services).sort()).toEqual([...expected].sort());
    for (const name of expected) expect(readme).toContain(`\`${name}\``);
  });

  it('temporal › persistence › PostgreSQL service, schema job done first', () => {
    const t = services.temporal!;
    expect(t.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(t.depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
    expect(services['temporal-schema']!.depends_on?.postgresql?.condition).toBe('service_healthy');
    const script = services['temporal-schema']!.volumes![0]!.split(':')[0]!;
    expect(existsSync(join(ROOT, script))).toBe(true);
  });

  it('app services › connection › point at the temporal service and wait for setup', () => {
    for (const name of APP) {
      const env = services[name]!.environment!;
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(env.TEMPORAL_NAMESPACE).toBe('boletoflow');
    }
    expect(services['boletoflow-setup']!.depends_on?.temporal?.condition).toBe('service_healthy');
    for (const name of ['boletoflow-worker', 'boletoflow-api']) {
      expect(services[name]!.depends_on?.['boletoflow-setup']?.condition).toBe('service_completed_successfully');
      expect(services[name]!.depends_on?.['boletoflow-records-setup']?.condition).toBe(
        'service_completed_successfully',
      );
    }
    expect(services['temporal-ui']!.environment!.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('records store › on the PostgreSQL service › every app service has the same DATABASE_URL, migrated before worker and API start', () => {
    const urls = new Set(APP.map((name) => services[name]!.environment!.DATABASE_URL));
    expect(urls.size).toBe(1);
    const url = new URL([...urls][0]!);
    expect(url.hostname).toBe('postgresql');
    expect(url.pathname).toBe('/boletoflow_records');
    const setup = services['boletoflow-records-setup']!;
    expect(setup.command).toEqual(['node', 'dist/src/cli/records.js', 'migrate', '--create-database']);
    expect(setup.depends_on?.postgresql?.condition).toBe('service_healthy');
  });

  it('payload encryption › key not provided › compose refuses to start rather than run unencrypted', () => {
    expect(() => interpolate(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {})).toThrow(
      /PAYLOAD_ENCRYPTION_KEYS/,
    );
  });

  it('app services › environment › every variable is known to the config schema and valid', () => {
    const known = Object.keys(configSchema.shape);
    for (const name of APP) {
      const env = services[name]!.environment!;
      for (const key of Object.keys(env)) expect(known, `${name}: ${key}`).toContain(key);
      expect(configSchema.safeParse(env).success, name).toBe(true);
    }
  });

  it('app services › commands › run entrypoints that exist in src (built to dist/src)', () => {
    for (const name of APP) {
      const cmd = services[name]!.command!;
      expect(cmd[0]).toBe('node');
      const source = cmd[1]!.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(existsSync(join(ROOT, source)), `${name} → ${source}`).toBe(true);
    }
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toMatch(/FROM node:20/);
  });

  it("npm run cluster › reads this file › every process gets its service's environment, only hosts and ports differ", () => {
    const c = readCompose(composeEnv);
    const tools = temporalTools('/opt/tools');
    const ports = { temporalPort: 17233, pgPort: 15433, apiPort: 13000, uiPort: 18233 };
    const same = (service: string, got: Record<string, string>, changed: string[], added: string[] = []) => {
      const composed = services[service]!.environment!;
      for (const [k, v] of Object.entries(composed))
        if (!changed.includes(k)) expect(got[k], `${service}.${k}`).toBe(String(v));
      for (const k of changed) expect(got[k], `${service}.${k} is replaced`).not.toBe(composed[k]);
      expect(Object.keys(got).sort()).toEqual([...Object.keys(composed), ...added].sort());
    };
    same(
      'temporal-schema',
      schemaJobEnv(c, { port: ports.pgPort }, tools),
      ['POSTGRES_SEEDS', 'DB_PORT'],
      ['TEMPORAL_SCHEMA_DIR'],
    );
    const server = serverEnv(c, { pgPort: ports.pgPort, frontendPort: ports.temporalPort, shards: 4 });
    same(
      'temporal',
      server,
      ['POSTGRES_SEEDS', 'DB_PORT', 'BIND_ON_IP', 'DYNAMIC_CONFIG_FILE_PATH'],
      [
        'POSTGRES_PORT',
        'TEMPORAL_BROADCAST_ADDRESS',
        'NUM_HISTORY_SHARDS',
        ...Object.keys(temporalPorts(ports.temporalPort)),
      ],
    );
    // The dynamic config compose mounts is the file the cluster's server reads.
    expect(server.DYNAMIC_CONFIG_FILE_PATH).toBe(
      join(ROOT, 'deploy', 'temporal', 'dynamicconfig', 'production-sql.yaml'),
    );
    expect(existsSync(server.DYNAMIC_CONFIG_FILE_PATH!)).toBe(true);
    same(
      'temporal-ui',
      uiEnv(c, { frontendPort: ports.temporalPort, uiPort: ports.uiPort, apiPort: ports.apiPort }),
      ['TEMPORAL_ADDRESS', 'TEMPORAL_CODEC_ENDPOINT'],
      ['TEMPORAL_UI_PORT'],
    );
    for (const name of APP) {
      const changed = [
        'TEMPORAL_ADDRESS',
        'DATABASE_URL',
        ...(name === 'boletoflow-api' ? ['API_PORT', 'CODEC_CORS_ORIGINS'] : []),
      ];
      same(name, appServiceEnv(c, name, ports), changed);
    }
    // A variable compose does not set cannot be "replaced", and one it sets cannot be silently "added".
    expect(() => serviceEnv(c, 'temporal', { replace: { NOT_IN_COMPOSE: 'x' } })).toThrow(
      /not set in docker-compose.yml/,
    );
    expect(() => serviceEnv(c, 'temporal', { add: { DB: 'x' } })).toThrow(/is set in docker-compose.yml/);
  });
});
