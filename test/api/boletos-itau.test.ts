/**
 * The same boleto path on Itaú: a bolecode (boleto + Pix) issued through the API against the mutual-TLS Itaú
 * simulator, its nosso número chosen by us, and Itaú's notifications arriving the way Itaú sends them: a
 * client_credentials token from our OAuth endpoint first, then the notification with that Bearer token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parsePix, saoPauloDate } from '../../src/domain';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import { eventually, type ItauBoletoStack, startItauBoletoStack } from '../helpers/boleto-stack';

describe('boletos API on the Itaú simulator (mTLS, bolecode, OAuth notifications)', () => {
  let s: ItauBoletoStack;
  let sim: ItauSimulator;
  let base: string;
  let key: string;
  let webhookClient: ItauBoletoStack['webhookClient'];
  const accountId = 'itau-e2e';

  beforeAll(async () => {
    s = await startItauBoletoStack({ accountId });
    ({ sim, base, key, webhookClient } = s);
    // What CS registers at Itaú for the account (Boletos v3 notificacoes_boletos).
    sim.bank.subscribe({
      id_beneficiario: sim.bank.idBeneficiario,
      webhook_url: `${base}/webhooks/itau/${accountId}`,
      webhook_oauth_url: `${base}/webhooks/itau/${accountId}/oauth/token`,
      webhook_client_id: webhookClient.clientId,
      webhook_client_secret: webhookClient.clientSecret,
      tipos_notificacoes: ['BAIXA_OPERACIONAL', 'BAIXA_EFETIVA'],
      valor_minimo: 0,
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const create = async (idem: string, over: Record<string, unknown> = {}) => {
    const r = await fetch(`${base}/v1/boletos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'content-type': 'application/json', 'Idempotency-Key': idem },
      body: JSON.stringify({
        accountId,
        kind: 'BOLECODE',
        amountCents: 12_345,
        dueDate: addDays(saoPauloDate(Date.now()), 10),
        payer: {
          name: 'Maria da Silva',
          document: '52998224725',
          address: {
            street: 'Rua das Flores',
            number: '100',
            district: 'Centro',
            city: 'Sao Paulo',
            state: 'SP',
            zipCode: '01001000',
          },
        },
        ...over,
      }),
    });
    return {
      r,
      json: (await r.json()) as Record<string, unknown> & {
        id: string;
        nossoNumero: string;
        pix?: { emv: string; txid?: string };
      },
    };
  };

  it('bolecode › created › 201 with our 8-digit nosso número, an Itaú barcode and a Pix EMV with a valid CRC', async () => {
    const { r, json } = await create('itau-1');
    expect(r.status).toBe(201);
    expect(json).toMatchObject({ status: 'REGISTERED', bank: 'ITAU', kind: 'BOLECODE' });
    expect(json.nossoNumero).toMatch(/^\d{8}$/);
    expect(json.barcode).toMatch(/^341\d{41}$/);
    expect(() => parsePix(json.pix!.emv)).not.toThrow();
    expect(sim.bank.byNossoNumero('109', json.nossoNumero)).toBeDefined();
  });

  it('notifications › paid then settled at Itaú › OAuth token first, then BAIXA_OPERACIONAL → PAID, BAIXA_EFETIVA → SETTLED', async () => {
    const { json } = await create('itau-2');
    const b = sim.bank.byNossoNumero('109', json.nossoNumero)!;
    sim.bank.pay(b, sim.clock.now());
    await sim.tick();
    const get = async () =>
      (await (
        await fetch(`${base}/v1/boletos/${json.id}`, { headers: { Authorization: `Bearer ${key}` } })
      ).json()) as { status: string; paid: boolean; settled: boolean };
    expect(await eventually(get, (v) => v.status === 'PAID')).toMatchObject({ paid: true, settled: false });
    sim.bank.settle(b, sim.clock.now() + 3_600_000);
    await sim.tick();
    expect(await eventually(get, (v) => v.status === 'SETTLED')).toMatchObject({ paid: true, settled: true });
  });

  it('our OAuth endpoint › wrong client secret or no token › 401; token for one account › refused by another', async () => {
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const bad = await fetch(`${base}/webhooks/itau/${accountId}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: basic(webhookClient.clientId, 'nope'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' });
    const ok = await fetch(`${base}/webhooks/itau/${accountId}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: basic(webhookClient.clientId, webhookClient.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(ok.status).toBe(200);
    const { access_token } = (await ok.json()) as { access_token: string };
    const notify = (auth?: string) =>
      fetch(`${base}/webhooks/itau/${accountId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
        body: JSON.stringify({ boletos: [] }),
      });
    expect((await notify()).status).toBe(401);
    expect((await notify(`Bearer ${access_token}x`)).status).toBe(401);
    expect((await notify(`Bearer ${access_token}`)).status).not.toBe(401);
  });
});
