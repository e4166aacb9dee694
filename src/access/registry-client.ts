/**
 * Talks to the accessRegistry workflow (starting it on first use) for the CLI and the API.
 */
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import {
  ACCESS_REGISTRY_WORKFLOW_ID,
  accessSnapshotQuery,
  addApiKeyUpdate,
  type AccessSnapshot,
  type ApiKeyRecord,
  createTenantUpdate,
  revokeApiKeyUpdate,
  type Role,
  setTenantWebhookUpdate,
  type Tenant,
} from '../contracts/access';
import type { accessRegistry } from '../workflows/access-registry';
import { boundedQuery, boundedUpdate, type TemporalBounds } from '../temporal/bounded';
import { generateApiKey } from './api-keys';

/** A request the registry refused (validator message), as opposed to an infrastructure failure. */
export class AccessRequestRejected extends Error {
  override name = 'AccessRequestRejected';
}

export class AccessRegistryClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly now: () => Date = () => new Date(),
    /** Bound every call (the API: fail fast with no worker); default unbounded (CLI and set-ups wait for a worker). */
    private readonly bounds?: TemporalBounds,
  ) {}

  /** Starts the registry on first use; the run to talk to is always the current one (it continues as new). */
  private startOptions() {
    return {
      workflowId: ACCESS_REGISTRY_WORKFLOW_ID,
      taskQueue: this.taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [],
    } as const;
  }

  /**
   * Update-with-start: one call, addressed to the workflow id, not to a run. A handle bound to the run a start
   * returned broke once the registry continued as new (its history grows with every key): updates to the old run
   * answered "workflow execution not found".
   */
  private async update<R, A extends [unknown]>(def: UpdateDefinition<R, A>, args: A): Promise<R> {
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof accessRegistry>(
      'accessRegistry',
      this.startOptions(),
    );
    try {
      if (!this.bounds) return await this.client.workflow.executeUpdateWithStart(def, { args, startWorkflowOperation });
      return await boundedUpdate(this.client, this.bounds, () =>
        this.client.workflow.startUpdateWithStart(def, { args, waitForStage: 'ACCEPTED', startWorkflowOperation }),
      );
    } catch (e) {
      if (e instanceof WorkflowUpdateFailedError) throw new AccessRequestRejected(e.cause?.message ?? e.message);
      throw e;
    }
  }

  createTenant(id: string, name: string): Promise<Tenant> {
    return this.update(createTenantUpdate, [{ id, name, at: this.now().toISOString() }]);
  }

  /** Returns the key's token: the only time it exists outside the caller's hands. */
  async createApiKey(
    tenantId: string,
    role: Role,
    label?: string,
  ): Promise<{ keyId: string; token: string; tenantId: string; role: Role }> {
    const key = generateApiKey();
    await this.update(addApiKeyUpdate, [
      {
        keyId: key.keyId,
        tenantId,
        role,
        secretHash: key.secretHash,
        createdAt: this.now().toISOString(),
        ...(label ? { label } : {}),
      },
    ]);
    return { keyId: key.keyId, token: key.token, tenantId, role };
  }

  revokeApiKey(keyId: string): Promise<Omit<ApiKeyRecord, 'secretHash'>> {
    return this.update(revokeApiKeyUpdate, [{ keyId, at: this.now().toISOString() }]);
  }

  setTenantWebhook(
    tenantId: string,
    url: string,
    secret: string,
  ): Promise<{ tenantId: string; url: string; updatedAt: string }> {
    return this.update(setTenantWebhookUpdate, [{ tenantId, url, secret, at: this.now().toISOString() }]);
  }

  async snapshot(): Promise<AccessSnapshot> {
    const current = this.client.workflow.getHandle<typeof accessRegistry>(ACCESS_REGISTRY_WORKFLOW_ID);
    const query = () =>
      this.bounds
        ? boundedQuery(this.client, this.bounds, () => current.query(accessSnapshotQuery))
        : current.query(accessSnapshotQuery);
    try {
      return await query();
    } catch (e) {
      if (!(e instanceof WorkflowNotFoundError)) throw e;
      await this.client.workflow.start<typeof accessRegistry>('accessRegistry', this.startOptions());
      return query();
    }
  }
}
