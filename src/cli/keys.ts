/**
 * Tenants and API keys, for whoever runs the installation:
 *   npm run --silent keys -- create-tenant <id> <name>
 *   npm run --silent keys -- create --tenant <id> --role integrator|cs|operator [--label <text>]
 *   npm run --silent keys -- list [--tenant <id>]
 *   npm run --silent keys -- revoke <keyId>
 * Talks to the accessRegistry workflow on the configured Temporal (the embedded one while `npm start` runs).
 * A new key is printed once, on stdout; only its hash is stored.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { allowedWebhookUrl } from '../api/routes/webhook-endpoint';
import { AccessRegistryClient, AccessRequestRejected } from '../access/registry-client';
import { loadConfig } from '../config';
import { runMain, StartupError } from '../process';
import { connectCliClient } from './connect';
import { ROLES, type Role } from '../contracts/access';

const USAGE = `usage:
  keys create-tenant <id> <name>
  keys create --tenant <id> --role ${ROLES.join('|')} [--label <text>]
  keys list [--tenant <id>]
  keys revoke <keyId>
  keys webhook <tenantId> <https-url>   (prints the new signing secret once)`;

/** `webhookAllowedHosts`: WEBHOOK_ALLOWED_HOSTS, as the API applies it to PUT /v1/webhook-endpoint (the same rule here). */
export async function runKeysCli(
  argv: string[],
  registry: AccessRegistryClient,
  out: (line: string) => void,
  opts: { webhookAllowedHosts?: readonly string[] } = {},
): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, role: { type: 'string' }, label: { type: 'string' } },
  });
  const [command, ...rest] = positionals;
  switch (command) {
    case 'create-tenant': {
      const [id, ...name] = rest;
      if (!id || name.length === 0) throw new StartupError(USAGE);
      out(JSON.stringify(await registry.createTenant(id, name.join(' '))));
      return;
    }
    case 'create': {
      if (!values.tenant || !values.role) throw new StartupError(USAGE);
      if (!ROLES.includes(values.role as Role)) throw new StartupError(`--role must be one of ${ROLES.join(', ')}`);
      const key = await registry.createApiKey(values.tenant, values.role as Role, values.label);
      out(JSON.stringify(key));
      process.stderr.write('Store this key now: it is not shown again (only its hash is kept).\n');
      return;
    }
    case 'list': {
      const snap = await registry.snapshot();
      for (const k of snap.keys.filter((k) => !values.tenant || k.tenantId === values.tenant)) {
        const { secretHash: _h, ...shown } = k;
        out(JSON.stringify(shown));
      }
      return;
    }
    case 'webhook': {
      const [tenantId, url] = rest;
      if (!tenantId || !url) throw new StartupError(USAGE);
      const parsed = allowedWebhookUrl(opts.webhookAllowedHosts).safeParse(url);
      if (!parsed.success) throw new StartupError(`url ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      out(JSON.stringify({ ...(await registry.setTenantWebhook(tenantId, url, secret)), secret }));
      process.stderr.write('Store the secret now: it is not shown again. Verify Boletoflow-Signature with it.\n');
      return;
    }
    case 'revoke': {
      if (!rest[0]) throw new StartupError(USAGE);
      out(JSON.stringify(await registry.revokeApiKey(rest[0])));
      return;
    }
    default:
      throw new StartupError(USAGE);
  }
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    const client = await connectCliClient(config);
    try {
      await runKeysCli(
        process.argv.slice(2),
        new AccessRegistryClient(client, config.TEMPORAL_TASK_QUEUE),
        (l) => process.stdout.write(l + '\n'),
        {
          ...(config.WEBHOOK_ALLOWED_HOSTS ? { webhookAllowedHosts: config.WEBHOOK_ALLOWED_HOSTS } : {}),
        },
      );
    } catch (e) {
      if (e instanceof AccessRequestRejected) throw new StartupError(`refused: ${e.message}`);
      throw e;
    } finally {
      await client.connection.close();
    }
  });
}
