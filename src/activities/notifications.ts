/**
 * Outbound notifications to the client's system: every recorded boleto event is POSTed to the tenant's
 * webhook endpoint, signed so the receiver can trust it:
 *   Boletoflow-Event-Id:  the delivery id (stable across retries: dedupe on it)
 *   Boletoflow-Timestamp: unix seconds
 *   Boletoflow-Signature: t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * Any non-2xx or network error throws and Temporal retries with backoff (at least once). A target that is not a
 * public address (localhost, private ranges, the cloud metadata endpoint …) is refused unless WEBHOOK_ALLOWED_HOSTS
 * allows it, checked on the address actually connected to (src/access/webhook-targets.ts); refused attempts are retried
 * like failed ones, so fixing the setting lets pending deliveries through.
 *
 * Each boleto event is written to the records store before the tenant is told of it (the view it belongs to, the
 * event, the delivery as PENDING), and each attempt's outcome after: the store is never behind what a tenant saw.
 */
import { createHmac } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { request } from 'undici';
import { AccessRegistryClient } from '../access/registry-client';
import { deliveryAgent, targetUrlRefusal, webhookTargetPolicy, WebhookTargetRefused } from '../access/webhook-targets';
import type { BoletoRecords } from '../records';
import { notification } from '../workflows/activity-options';
import type { TenantWebhook } from '../contracts/access';
import type { BoletoEvent, BoletoView } from '../contracts/boleto';

export interface NotificationDeps {
  /** Tenant → its webhook endpoint (default: the access registry, cached 10 s). */
  webhookFor?: (tenantId: string) => Promise<TenantWebhook | undefined>;
  timeoutMs?: number;
  /** The records store (the worker process always has one; tests of other parts may leave it out). */
  records?: BoletoRecords;
  /** WEBHOOK_ALLOWED_HOSTS: non-public targets allowed (default none). */
  allowedTargets?: readonly string[];
}

export interface DeliverInput {
  tenantId: string;
  deliveryId: string;
  event: BoletoEvent;
  boleto: BoletoView;
}

export interface OnboardingNotice {
  tenantId: string;
  deliveryId: string;
  /** onboarding.step_changed | onboarding.reminder | onboarding.escalated | onboarding.certificate_expiring | onboarding.certificate_renewed | onboarding.notifications_failed | … */
  type: string;
  accountId: string;
  step: string;
  detail: string;
}

export const signPayload = (secret: string, timestamp: number, rawBody: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');

export const createNotificationActivities = (deps: NotificationDeps = {}) => {
  let cache: { at: number; tenants: Map<string, TenantWebhook | undefined> } | undefined;
  const fromRegistry = async (tenantId: string) => {
    if (!cache || Date.now() - cache.at > 10_000) {
      const ctx = Context.current();
      const snap = await new AccessRegistryClient(ctx.client, ctx.info.taskQueue).snapshot();
      cache = { at: Date.now(), tenants: new Map(snap.tenants.map((t) => [t.id, t.webhook])) };
    }
    return cache.tenants.get(tenantId);
  };
  const webhookFor = deps.webhookFor ?? fromRegistry;
  const targets = webhookTargetPolicy(deps.allowedTargets);
  const agent = deliveryAgent(targets);

  /** The refusal of a target, found in an error's cause chain (undici wraps the lookup's error). */
  const refusalIn = (e: unknown): WebhookTargetRefused | undefined => {
    for (let c = e; c instanceof Error; c = c.cause) if (c instanceof WebhookTargetRefused) return c;
    return undefined;
  };

  /** POSTs `payload` to the tenant's endpoint, signed; throws (retryable) on network errors and non-2xx. */
  const postSigned = async (
    target: TenantWebhook,
    deliveryId: string,
    payload: unknown,
  ): Promise<{ attempts: number; status: number }> => {
    const ctx = Context.current();
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number;
    const refused = targetUrlRefusal(target.url, targets);
    if (refused) {
      ctx.metricMeter
        .createCounter('boletoflow_delivery_failures', 'attempts', 'failed notification attempts')
        .add(1, { reason: 'refused_target' });
      throw ApplicationFailure.retryable(`delivery refused: ${refused}`, 'DeliveryRefused');
    }
    try {
      const res = await request(target.url, {
        dispatcher: agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'boletoflow-webhooks/1',
          'boletoflow-event-id': deliveryId,
          'boletoflow-timestamp': String(timestamp),
          'boletoflow-signature': `t=${timestamp},v1=${signPayload(target.secret, timestamp, body)}`,
        },
        body,
        headersTimeout: deps.timeoutMs ?? 10_000,
        bodyTimeout: deps.timeoutMs ?? 10_000,
      });
      status = res.statusCode;
      await res.body.dump();
    } catch (e) {
      const refusal = refusalIn(e);
      ctx.metricMeter
        .createCounter('boletoflow_delivery_failures', 'attempts', 'failed notification attempts')
        .add(1, { reason: refusal ? 'refused_target' : 'network' });
      if (refusal) throw ApplicationFailure.retryable(`delivery refused: ${refusal.message}`, 'DeliveryRefused');
      throw ApplicationFailure.retryable(
        `delivery to the client's endpoint failed: ${(e as Error).message}`,
        'DeliveryFailed',
      );
    }
    if (status < 200 || status >= 300) {
      ctx.metricMeter
        .createCounter('boletoflow_delivery_failures', 'attempts', 'failed notification attempts')
        .add(1, { reason: `http_${status}` });
      throw ApplicationFailure.retryable(`the client's endpoint answered HTTP ${status}`, 'DeliveryFailed');
    }
    return { attempts: ctx.info.attempt, status };
  };

  const { records } = deps;
  const lastAttempt = notification.retry?.maximumAttempts ?? Infinity;

  return {
    async deliverNotification(input: DeliverInput): Promise<{ attempts: number; skipped?: boolean; status?: number }> {
      const target = await webhookFor(input.tenantId);
      // A tenant without an endpoint reads its boletos back: the event is recorded with nothing to attempt.
      await records?.recordEvent({
        view: input.boleto,
        event: input.event,
        deliveryId: input.deliveryId,
        delivery: target ? 'PENDING' : 'SKIPPED',
      });
      if (!target) return { attempts: 0, skipped: true };
      let r: Awaited<ReturnType<typeof postSigned>>;
      try {
        r = await postSigned(target, input.deliveryId, {
          id: input.deliveryId,
          type: `boleto.${input.event.kind.toLowerCase()}`,
          occurredAt: input.event.at,
          data: { event: input.event, boleto: input.boleto },
        });
      } catch (e) {
        const final = Context.current().info.attempt >= lastAttempt;
        await records?.recordDeliveryAttempt(input.deliveryId, {
          status: final ? 'FAILED' : 'PENDING',
          at: new Date().toISOString(),
          attempts: 1,
          error: (e as Error).message,
        });
        throw e;
      }
      await records?.recordDeliveryAttempt(input.deliveryId, {
        status: 'DELIVERED',
        at: new Date().toISOString(),
        attempts: 1,
      });
      return r;
    },

    /** Onboarding reminders, escalations and step changes, to the tenant's endpoint (logged for operators too). */
    async onboardingNotify(input: OnboardingNotice): Promise<{ attempts: number; skipped?: boolean; status?: number }> {
      Context.current().log.info('onboarding notice', {
        type: input.type,
        accountId: input.accountId,
        step: input.step,
        detail: input.detail,
      });
      const target = await webhookFor(input.tenantId);
      if (!target) return { attempts: 0, skipped: true };
      return postSigned(target, input.deliveryId, {
        id: input.deliveryId,
        type: input.type,
        occurredAt: new Date().toISOString(),
        data: { accountId: input.accountId, step: input.step, detail: input.detail },
      });
    },
  };
};
