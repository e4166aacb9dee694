/**
 * Itaú notifications in the real shape (test/fixtures/itau/) through the whole stack: a real Temporal dev server and
 * worker, the API over HTTP, the mTLS Itaú simulator. The bank's facts change at the simulator; the body Itaú would
 * send is then posted with a token from our OAuth endpoint, is answered 2xx, and the boleto moves because its
 * workflow re-queries the consulta (events from `bank-poll`), not because of what the body says. A duplicate
 * changes nothing; a bad body is a 400 naming the field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import { eventually, type ItauBoletoStack, startItauBoletoStack } from '../helpers/boleto-stack';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'itau', name), 'utf8'));

describe('Itaú notifications in the real shape › /webhooks/itau/<account> (dev server, worker, simulator)', () => {
  let s: ItauBoletoStack;
  let sim: ItauSimulator;
  let base: string;
  let key: string;
  let webhookClient: ItauBoletoStack['webhookClient'];
  const accountId = 'itau-notify';

  beforeAll(async () => {
    s = await startItauBoletoStack({ accountId, agencyAccount: '1500/00005-0' });
    ({ sim, base, key, webhookClient } = s);
    // No subscription at the simulator: the notifications below are posted by the test, as Itaú would post them.
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${key}` });
  const create = async (idem: string) => {
    const r = await fetch(`${base}/v1/boletos`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', 'Idempotency-Key': idem },
      body: JSON.stringify({
        accountId,
        kind: 'BOLETO',
        amountCents: 30_000,
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
      }),
    });
    expect(r.status).toBe(201);
    return (await r.json()) as { id: string; nossoNumero: string };
  };
  const view = async (id: string) =>
    (await (await fetch(`${base}/v1/boletos/${id}`, { headers: auth() })).json()) as {
      status: string;
      paid: boolean;
      settled: boolean;
    };
  const events = async (id: string) =>
    (
      (await (await fetch(`${base}/v1/boletos/${id}/events`, { headers: auth() })).json()) as {
        items: { kind: string; source: string }[];
      }
    ).items;
  const token = async () => {
    const r = await fetch(`${base}/webhooks/itau/${accountId}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${webhookClient.clientId}:${webhookClient.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { access_token: string }).access_token;
  };
  const notify = async (body: unknown) => {
    const r = await fetch(`${base}/webhooks/itau/${accountId}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  /** Itaú retries until a 2xx: a boleto just registered may not be searchable by nosso número for a moment (404). */
  const deliver = (body: unknown) =>
    eventually(
      () => notify(body),
      (r) => r.status !== 404,
    );
  /** The fixture's body with our boleto's nosso número (everything else as Itaú sent it). */
  const about = (name: string, nossoNumero: string): { boletos: Record<string, unknown>[] } => {
    const body = fixture(name) as { boletos: Record<string, unknown>[] };
    body.boletos[0]!.numeroNossoNumero = nossoNumero;
    return body;
  };

  it("Itaú's example body after the payment › 2xx, PAID within seconds via the consulta; the same body again › nothing changes; LIQUIDADO after the credit › SETTLED", async () => {
    const b = await create('itau-notify-1');
    const atBank = sim.bank.byNossoNumero('109', b.nossoNumero)!;
    sim.bank.pay(atBank, sim.clock.now());

    const first = await deliver(about('notification-itau-example.json', b.nossoNumero));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: 1 });
    expect(
      await eventually(
        () => view(b.id),
        (v) => v.status === 'PAID',
        10_000,
      ),
    ).toMatchObject({ paid: true, settled: false });
    const afterPaid = await eventually(
      () => events(b.id),
      (e) => e.some((x) => x.kind === 'PAID'),
    );
    expect(afterPaid.find((x) => x.kind === 'PAID')?.source).toBe('bank-poll');

    const dup = await notify(about('notification-itau-example.json', b.nossoNumero));
    expect(dup.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await events(b.id)).toEqual(afterPaid);
    expect((await view(b.id)).status).toBe('PAID');

    sim.bank.settle(atBank, sim.clock.now() + 3_600_000);
    expect((await notify(about('notification-liquidado.json', b.nossoNumero))).status).toBe(200);
    expect(
      await eventually(
        () => view(b.id),
        (v) => v.status === 'SETTLED',
        10_000,
      ),
    ).toMatchObject({ paid: true, settled: true });
  });

  it('the body decides nothing › a LIQUIDADO notification for a boleto the bank shows unpaid › 2xx, still REGISTERED; an unknown code after the payment › PAID', async () => {
    const b = await create('itau-notify-2');
    expect((await deliver(about('notification-liquidado.json', b.nossoNumero))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await view(b.id)).status).toBe('REGISTERED');

    sim.bank.pay(sim.bank.byNossoNumero('109', b.nossoNumero)!, sim.clock.now());
    const unknown = about('notification-itau-example.json', b.nossoNumero);
    unknown.boletos[0]!.tipoLiquidacao = 'CODIGO-NOVO';
    expect((await notify(unknown)).status).toBe(200);
    expect(
      (
        await eventually(
          () => view(b.id),
          (v) => v.status === 'PAID',
          10_000,
        )
      ).status,
    ).toBe('PAID');
  });

  it('bad bodies › 400 problem+json naming the field; an empty list › 200 received 0; an unknown nosso número › 404', async () => {
    const snake = await notify({ data: { boletos: [{ numero_nosso_numero: '12345678' }] } });
    expect(snake.status).toBe(400);
    expect(snake.body.errors).toEqual([{ field: 'body.boletos', reason: expect.any(String) }]);
    const noNumber = await notify({ boletos: [{ tipoLiquidacao: '95' }] });
    expect(noNumber.status).toBe(400);
    expect(noNumber.body.errors).toEqual([{ field: 'body.boletos[0].numeroNossoNumero', reason: expect.any(String) }]);
    expect(await notify({ boletos: [] })).toEqual({ status: 200, body: { received: 0 } });
    expect((await notify(about('notification-itau-example.json', '99999999'))).status).toBe(404);
  });
});
