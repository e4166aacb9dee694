/**
 * Where boletoflow sends the tenant's boleto notifications. PUT sets the URL and returns a new signing secret
 * (once); GET shows the URL, never the secret. Verify each notification: HMAC-SHA256(secret, "<t>.<raw body>")
 * equals v1 in the Boletoflow-Signature header, and t is recent.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AccessRegistryClient } from '../../access/registry-client';
import { targetUrlRefusal, webhookTargetPolicy } from '../../access/webhook-targets';
import { sendProblem } from '../problem';
import { type ApiRoute, defineRoute } from '../route';
import { instant } from '../schemas/time';

const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

export const WebhookUrl = z
  .url({ error: 'must be an absolute URL' })
  .max(2000)
  .refine((u) => {
    // Zod runs this even when z.url() already refused the value (its issues do not abort): that one says why.
    if (!URL.canParse(u)) return true;
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  }, 'must be https (plain http only to localhost)');

const Endpoint = z.object({ url: z.string(), updatedAt: instant }).meta({ id: 'WebhookEndpoint' });

/** WebhookUrl, and not aimed at this machine or a private network unless allowed (src/access/webhook-targets.ts). */
export const allowedWebhookUrl = (allowedHosts: readonly string[] | undefined) => {
  const policy = webhookTargetPolicy(allowedHosts);
  return WebhookUrl.superRefine((u, ctx) => {
    let why: string | undefined;
    try {
      why = targetUrlRefusal(u, policy);
    } catch {
      return; // not a URL: WebhookUrl says so
    }
    if (why) ctx.addIssue({ code: 'custom', message: why });
  }).meta({
    description:
      'Your receiver: https (plain http only to localhost). Must be a public address: loopback, private, link-local and other non-public targets are refused here (IP literals, localhost) and when delivering (after DNS), unless the operator allows them with WEBHOOK_ALLOWED_HOSTS.',
  });
};

export function webhookEndpointRoutes(deps: {
  registry: AccessRegistryClient;
  allowedHosts?: readonly string[];
}): ApiRoute[] {
  const url = allowedWebhookUrl(deps.allowedHosts);
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
      request: { body: z.strictObject({ url }) },
      responses: {
        200: {
          description: 'Set',
          schema: Endpoint.extend({
            secret: z.string().meta({ description: 'HMAC-SHA256 signing secret; shown once' }),
          }),
        },
      },
      handler: async ({ principal, body, res }) => {
        const secret = `whsec_${randomBytes(32).toString('base64url')}`;
        const r = await deps.registry.setTenantWebhook(principal.tenantId, body.url, secret);
        res.json({ url: r.url, updatedAt: r.updatedAt, secret });
      },
    }),
  ];
}
