/**
 * accessRegistry: the durable list of tenants and API keys (one workflow for the installation, id
 * ACCESS_REGISTRY_WORKFLOW_ID). Changes arrive as validated updates (a bad request is rejected without touching
 * history); the API reads the whole list with a query and caches it. Runs forever, continuing as new when
 * the history grows.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  accessSnapshotQuery,
  addApiKeyUpdate,
  type AccessSnapshot,
  type ApiKeyRecord,
  createTenantUpdate,
  revokeApiKeyUpdate,
  ROLES,
  setTenantWebhookUpdate,
} from '../contracts/access';

const TENANT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const KEY_ID = /^[a-z2-7]{12}$/;

const publicKey = ({ secretHash: _h, ...rest }: ApiKeyRecord) => rest;

export async function accessRegistry(state: AccessSnapshot = { tenants: [], keys: [], version: 0 }): Promise<never> {
  setHandler(accessSnapshotQuery, () => state);

  setHandler(
    createTenantUpdate,
    ({ id, name, at }) => {
      const tenant = { id, name: name.trim(), createdAt: at };
      state = { ...state, tenants: [...state.tenants, tenant], version: state.version + 1 };
      return tenant;
    },
    {
      validator: ({ id, name }: { id: string; name: string }) => {
        if (!TENANT_ID.test(id)) throw new Error(`tenant id "${id}" must be 2-63 lowercase letters, digits or dashes`);
        if (!name?.trim()) throw new Error('tenant name is required');
        if (state.tenants.some((t) => t.id === id)) throw new Error(`tenant "${id}" already exists`);
      },
    },
  );

  setHandler(
    addApiKeyUpdate,
    (record) => {
      state = { ...state, keys: [...state.keys, record], version: state.version + 1 };
      return publicKey(record);
    },
    {
      validator: (r: ApiKeyRecord) => {
        if (!KEY_ID.test(r.keyId)) throw new Error('malformed key id');
        if (!/^[0-9a-f]{64}$/.test(r.secretHash)) throw new Error('secretHash must be a SHA-256 hex digest');
        if (!ROLES.includes(r.role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
        if (!state.tenants.some((t) => t.id === r.tenantId)) throw new Error(`unknown tenant "${r.tenantId}"`);
        if (state.keys.some((k) => k.keyId === r.keyId)) throw new Error('key id already used');
      },
    },
  );

  setHandler(
    revokeApiKeyUpdate,
    ({ keyId, at }) => {
      let revoked: ApiKeyRecord | undefined;
      state = {
        ...state,
        keys: state.keys.map((k) => (k.keyId === keyId ? (revoked = { ...k, revokedAt: at }) : k)),
        version: state.version + 1,
      };
      return publicKey(revoked!);
    },
    {
      validator: ({ keyId }: { keyId: string }) => {
        const key = state.keys.find((k) => k.keyId === keyId);
        if (!key) throw new Error(`no API key "${keyId}"`);
        if (key.revokedAt) throw new Error(`API key "${keyId}" was already revoked at ${key.revokedAt}`);
      },
    },
  );

  setHandler(
    setTenantWebhookUpdate,
    ({ tenantId, url, secret, at }) => {
      state = {
        ...state,
        tenants: state.tenants.map((t) => (t.id === tenantId ? { ...t, webhook: { url, secret, updatedAt: at } } : t)),
        version: state.version + 1,
      };
      return { tenantId, url, updatedAt: at };
    },
    {
      validator: ({ tenantId, url, secret }: { tenantId: string; url: string; secret: string }) => {
        if (!state.tenants.some((t) => t.id === tenantId)) throw new Error(`unknown tenant "${tenantId}"`);
        if (!/^https?:\/\/[^\s]+$/.test(url)) throw new Error('url must be an absolute http(s) URL');
        if (!secret || secret.length < 32) throw new Error('secret must have at least 32 characters');
      },
    },
  );

  await condition(() => workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  return continueAsNew<typeof accessRegistry>(state);
}
