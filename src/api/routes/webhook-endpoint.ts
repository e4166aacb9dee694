/**
 * Where boletoflow sends the tenant's boleto notifications. PUT sets the URL and returns a new signing secret
 * (once); GET shows the URL, never the secret. Verify each notification: HMAC-SHA256(secret, "<t>.<raw body>")
 * equals v1 in the Boletoflow-Signature header, and t is recent.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AccessRegistryClient } from '../../access/registry-client';
import { sendProblem } from '../problem';
import { type ApiRoute, defineRoute } from '../route';

const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

export const WebhookUrl = z
  .url({ error: 'must be an absolute URL' })
  .max(2000)
  .refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  }, 'must be https (plain http only to localhost)');

const Endpoint = z.object({ url: z.string(), updatedAt: z.string() }).meta({ id: 'WebhookEndpoint' });

export function webhookEndpointRoutes(deps: { registry: AccessRegistryClient }): ApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/webhook-endpoint',
      operationId: 'getWebhookEndpoint',
      summary: 'Where your boleto notifications are sent',
      tags: ['notifications'],
      access: ['operator', 'integrator'],
      responses: { 200: { description: 'The endpoint', schema: Endpoint }, 404: { description: 'None set' } },
      handler: async ({ principal, res }) => {
        const t = (await deps.registry.snapshot()).tenants.find((x) => x.id === principal.tenantId);
        if (!t?.webhook) return sendProblem(res, { type: 'not-found', title: 'No webhook endpoint set', status: 404 });
        res.json({ url: t.webhook.url, updatedAt: t.webhook.updatedAt });
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/webhook-endpoint',
      operationId: 'setWebhookEndpoint',
      summary: 'Set where your boleto notifications go; returns a new signing secret (shown once)',
      tags: ['notifications'],
      access: ['operator'],
      request: { body: z.strictObject({ url: WebhookUrl }) },
      responses: { 200: { description: 'Set', schema: Endpoint.extend({ secret: z.string().meta({ description: 'HMAC-SHA256 signing secret; shown once' }) }) } },
      handler: async ({ principal, body, res }) => {
        const secret = `whsec_${randomBytes(32).toString('base64url')}`;
        const r = await deps.registry.setTenantWebhook(principal.tenantId, body.url, secret);
        res.json({ url: r.url, updatedAt: r.updatedAt, secret });
      },
    }),
  ];
}
