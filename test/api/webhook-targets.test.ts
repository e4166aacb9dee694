/**
 * Tracker #18, item 8: a tenant's webhook URL could point anywhere the worker can reach (localhost, private ranges,
 * the cloud metadata endpoint 169.254.169.254, ::1, fc00::/7, 0.0.0.0 …). Refused by default at registration
 * (PUT /v1/webhook-endpoint → 400 naming body.url) and at delivery on the address actually connected to, unless
 * WEBHOOK_ALLOWED_HOSTS allows it. All real: dev server, worker, HTTP receivers on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressRefusal, deliveryAgent, targetUrlRefusal, webhookTargetPolicy } from '../../src/access/webhook-targets';
import { loadConfig } from '../../src/config';
import { runKeysCli } from '../../src/cli/keys';
import { type BoletoStack, eventually, registerBoleto, startBoletoStack } from '../helpers/boleto-stack';

describe('which addresses a webhook may target', () => {
  const strict = webhookTargetPolicy();
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '2002:7f00:1::1',
    '64:ff9b::a00:1',
  ])('%s › default › refused', (ip) => {
    expect(addressRefusal(ip, strict)).toBeDefined();
  });
  it.each(['8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s › public › allowed', (ip) => {
    expect(addressRefusal(ip, strict)).toBeUndefined();
  });
  it('allow-list › CIDRs, IPs and names › exactly what is listed', () => {
    const p = webhookTargetPolicy(['10.0.0.0/8', 'fd00::/8', '192.168.1.5', 'erp.intranet']);
    expect(addressRefusal('10.200.0.1', p)).toBeUndefined();
    expect(addressRefusal('::ffff:10.200.0.1', p)).toBeUndefined();
    expect(addressRefusal('fd12::1', p)).toBeUndefined();
    expect(addressRefusal('192.168.1.5', p)).toBeUndefined();
    expect(addressRefusal('192.168.1.6', p)).toBeDefined();
    expect(addressRefusal('127.0.0.1', p)).toBeDefined();
    expect(targetUrlRefusal('http://erp.intranet/hooks', p)).toBeUndefined();
    expect(targetUrlRefusal('https://localhost/hooks', p)).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
  });
  it('WEBHOOK_ALLOWED_HOSTS › parsed and checked at start-up', () => {
    expect(
      loadConfig({ WEBHOOK_ALLOWED_HOSTS: 'localhost, 127.0.0.1, 10.0.0.0/8, fd00::/8' }).WEBHOOK_ALLOWED_HOSTS,
    ).toEqual(['localhost', '127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    expect(loadConfig({}).WEBHOOK_ALLOWED_HOSTS).toBeUndefined();
    expect(() => loadConfig({ WEBHOOK_ALLOWED_HOSTS: '10.0.0.0/99' })).toThrow(/WEBHOOK_ALLOWED_HOSTS/);
  });
});

describe('the delivery connection resolves through the rule (no DNS rebinding past it)', () => {
  let receiver: Server;
  let port: number;
  beforeAll(async () => {
    receiver = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => receiver.close(r));
  });

  it('a name resolving to loopback › default › the connection is refused; allowed by CIDR › delivered', async () => {
    // "localhost" as any name would be: resolved by the agent's own lookup, which hands the socket only allowed addresses.
    await expect(
      request(`http://localhost:${port}/`, { dispatcher: deliveryAgent(webhookTargetPolicy()) }),
    ).rejects.toThrow(/not allowed as webhook targets/);
    const ok = await request(`http://localhost:${port}/`, {
      dispatcher: deliveryAgent(webhookTargetPolicy(['127.0.0.0/8'])),
    });
    expect(ok.statusCode).toBe(204);
    await ok.body.dump();
  });
});

describe('webhook targets through the API and the worker', () => {
  let s: BoletoStack;
  beforeAll(async () => {
    s = await startBoletoStack();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });
  const put = (url: string) =>
    fetch(`${s.base}/v1/webhook-endpoint`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${s.keys.t2.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });

  it.each([
    'http://127.0.0.1:9000/hooks',
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.5/hooks',
    'https://192.168.0.10/hooks',
    'https://[::1]/hooks',
    'https://[fc00::1]/hooks',
    'https://[::ffff:127.0.0.1]/hooks',
    'https://0.0.0.0/hooks',
    'https://localhost/hooks',
    'http://localhost:8080/hooks',
  ])('PUT /v1/webhook-endpoint › %s › 400 naming body.url', async (url) => {
    const r = await put(url);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await r.json()) as { errors: { field: string; reason: string }[] };
    expect(body.errors.map((e) => e.field)).toEqual(['body.url']);
  });

  it('`npm run keys -- webhook` › the same rule as the API: a private target refused, unless allowed; a public one set', async () => {
    const out: string[] = [];
    const cli = (url: string, allowed?: string[]) =>
      runKeysCli(
        ['webhook', s.tenants.t2, url],
        s.registry,
        (l) => out.push(l),
        allowed ? { webhookAllowedHosts: allowed } : {},
      );
    await expect(cli('https://10.0.0.5/hooks')).rejects.toThrow(/url /);
    await expect(cli('https://169.254.169.254/latest/meta-data/')).rejects.toThrow(/url /);
    expect(out).toEqual([]);
    await cli('https://10.0.0.5/hooks', ['10.0.0.0/8']);
    await cli('https://erp.example.com/hooks/cli');
    expect(out.map((l) => (JSON.parse(l) as { url: string }).url)).toEqual([
      'https://10.0.0.5/hooks',
      'https://erp.example.com/hooks/cli',
    ]);
  });

  it('PUT /v1/webhook-endpoint › a public https URL › 200', async () => {
    expect((await put('https://erp.example.com/hooks/boletos')).status).toBe(200);
  });

  it('delivery › an endpoint on localhost registered before the rule › refused by the worker, nothing sent', async () => {
    const hits: string[] = [];
    const local = createServer((req, res) => (hits.push(req.url ?? ''), res.writeHead(204).end()));
    await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
    try {
      // Straight into the registry, as an endpoint set before the rule existed (the API refuses it now).
      await s.registry.setTenantWebhook(
        s.tenants.t1,
        `http://localhost:${(local.address() as AddressInfo).port}/boletoflow`,
        'whsec_' + 'l'.repeat(40),
      );
      await new Promise((r) => setTimeout(r, 10_500)); // the worker's endpoint cache (10 s)
      const r = await registerBoleto(s, 'webhook-targets-1');
      expect(r.status).toBe(201);
      const id = r.body.id;
      const deliveries = await eventually(
        async () =>
          (
            (await (
              await fetch(`${s.base}/v1/boletos/${id}/deliveries`, {
                headers: { Authorization: `Bearer ${s.keys.t1.integrator}` },
              })
            ).json()) as { items: { lastError?: string }[] }
          ).items,
        (items) => items.some((d) => /refused/.test(JSON.stringify(d))),
      );
      expect(JSON.stringify(deliveries)).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
      expect(hits).toEqual([]);
    } finally {
      await new Promise((r) => local.close(r));
    }
  }, 60_000);
});
