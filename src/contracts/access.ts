/**
 * Message contracts of the access registry (tenants and API keys), importable by the API and the CLI
 * without pulling in workflow code.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const ACCESS_REGISTRY_WORKFLOW_ID = 'boletoflow-access-registry';

export type Role = 'integrator' | 'cs' | 'operator';
export const ROLES: readonly Role[] = ['integrator', 'cs', 'operator'];

export interface TenantWebhook {
  /** Where boleto status changes are POSTed. */
  url: string;
  /** HMAC-SHA256 signing secret (shown once when set; encrypted in history like every payload). */
  secret: string;
  updatedAt: string;
}

export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
  webhook?: TenantWebhook;
}

export interface ApiKeyRecord {
  keyId: string;
  tenantId: string;
  role: Role;
  label?: string;
  /** SHA-256 (hex) of the key's secret part; the key itself is shown once by the CLI and never stored. */
  secretHash: string;
  createdAt: string;
  revokedAt?: string;
}

export interface AccessSnapshot {
  tenants: Tenant[];
  keys: ApiKeyRecord[];
  /** Increments on every change, so caches can tell whether they are current. */
  version: number;
}

export const createTenantUpdate = defineUpdate<Tenant, [{ id: string; name: string; at: string }]>('createTenant');
export const addApiKeyUpdate = defineUpdate<Omit<ApiKeyRecord, 'secretHash'>, [Omit<ApiKeyRecord, 'revokedAt'>]>(
  'addApiKey',
);
export const revokeApiKeyUpdate = defineUpdate<Omit<ApiKeyRecord, 'secretHash'>, [{ keyId: string; at: string }]>(
  'revokeApiKey',
);
export const setTenantWebhookUpdate = defineUpdate<
  { tenantId: string; url: string; updatedAt: string },
  [{ tenantId: string; url: string; secret: string; at: string }]
>('setTenantWebhook');
export const accessSnapshotQuery = defineQuery<AccessSnapshot>('accessSnapshot');
