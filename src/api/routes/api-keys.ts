/**
 * API keys of the caller's own tenant, for operators: list, create (the token is returned once), revoke.
 * Another tenant's key id answers 404, exactly like a key that does not exist.
 */
import { z } from 'zod';
import type { AccessRegistryClient } from '../../access/registry-client';
import { AccessRequestRejected } from '../../access/registry-client';
import { type ApiKeyRecord, ROLES } from '../../contracts/access';
import type { AccessCache } from '../auth';
import { sendProblem } from '../problem';
import { type ApiRoute, defineRoute } from '../route';
import { instant } from '../schemas/time';

const ApiKey = z
  .object({
    keyId: z.string(),
    tenantId: z.string(),
    role: z.enum(ROLES),
    label: z.string().optional(),
    createdAt: instant,
    revokedAt: instant.optional(),
  })
  .meta({ id: 'ApiKey' });
const NewApiKey = z
  .object({
    keyId: z.string(),
    tenantId: z.string(),
    role: z.enum(ROLES),
    token: z.string().meta({ description: 'Shown once; store it now.' }),
  })
  .meta({ id: 'NewApiKey' });
const KeyIdParams = z.object({ keyId: z.string().regex(/^[a-z2-7]{12}$/, 'must be a 12-character key id') });

const shown = ({ secretHash: _h, ...k }: ApiKeyRecord) => k;

export function apiKeyRoutes(deps: { registry: AccessRegistryClient; access: AccessCache }): ApiRoute[] {
  const ownKey = async (tenantId: string, keyId: string) =>
    (await deps.registry.snapshot()).keys.find((k) => k.keyId === keyId && k.tenantId === tenantId);
  const notFound = (res: Parameters<typeof sendProblem>[0], keyId: string) =>
    sendProblem(res, {
      type: 'not-found',
      title: 'API key not found',
      status: 404,
      detail: `No API key ${keyId} in your tenant.`,
    });

  return [
    defineRoute({
      method: 'get',
      path: '/v1/api-keys',
      operationId: 'listApiKeys',
      summary: "List your tenant's API keys (never their secrets)",
      tags: ['access'],
      access: ['operator'],
      responses: { 200: { description: 'Keys', schema: z.object({ items: z.array(ApiKey) }) } },
      handler: async ({ principal, res }) => {
        const snap = await deps.registry.snapshot();
        res.json({ items: snap.keys.filter((k) => k.tenantId === principal.tenantId).map(shown) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/api-keys/:keyId',
      operationId: 'getApiKey',
      summary: 'One API key of your tenant',
      tags: ['access'],
      access: ['operator'],
      request: { params: KeyIdParams },
      responses: {
        200: { description: 'The key', schema: ApiKey },
        404: { description: 'No such key in your tenant' },
      },
      handler: async ({ principal, params, res }) => {
        const key = await ownKey(principal.tenantId, params.keyId);
        if (!key) return notFound(res, params.keyId);
        res.json(shown(key));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/api-keys',
      operationId: 'createApiKey',
      summary: 'Create an API key in your tenant',
      tags: ['access'],
      access: ['operator'],
      request: {
        body: z.strictObject({
          role: z.enum(ROLES),
          label: z
            .string()
            .max(80)
            .trim()
            .min(1)
            .max(80)
            .regex(
              /^ *[A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F._-][A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F ._-]*$/,
              'Latin letters (accents included), digits, spaces and . _ - only',
            )
            .optional(),
        }),
      },
      responses: { 201: { description: 'Created; the token is shown only in this response', schema: NewApiKey } },
      handler: async ({ principal, body, res }) => {
        const key = await deps.registry.createApiKey(principal.tenantId, body.role, body.label);
        deps.access.invalidate();
        res.status(201).json(key);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/api-keys/:keyId',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key of your tenant (effective within seconds on every API process)',
      description:
        'The key stops working; its record stays readable (GET answers it with revokedAt), as audit data of who had access and until when.',
      tags: ['access'],
      access: ['operator'],
      request: { params: KeyIdParams },
      responses: {
        200: { description: 'Revoked', schema: ApiKey },
        404: { description: 'No such key in your tenant' },
        409: { description: 'Already revoked' },
      },
      handler: async ({ principal, params, res }) => {
        if (!(await ownKey(principal.tenantId, params.keyId))) return notFound(res, params.keyId);
        try {
          const revoked = await deps.registry.revokeApiKey(params.keyId);
          deps.access.invalidate();
          res.json(revoked);
        } catch (e) {
          if (!(e instanceof AccessRequestRejected)) throw e;
          sendProblem(res, { type: 'conflict', title: 'API key already revoked', status: 409, detail: e.message });
        }
      },
    }),
  ];
}
