/**
 * The Pix side of an Itaú bolecode through the whole stack (dev server, worker, mTLS simulator, the API over HTTP):
 * the simulator, with a Pix webhook registered for the bolecode's key (BCB Pix API `PUT /webhook/{chave}`), POSTs
 * `{"pix":[{endToEndId, txid, valor, horario}]}` to `<webhookUrl>/pix` when the bolecode is paid by Pix; the API
 * takes each item as a hint and signals the boleto's workflow, which re-reads the bank and reaches SETTLED within
 * seconds, without a poll or a boleto notification (the stack has no boleto subscription). A duplicate changes
 * nothing; a malformed body is a 400 naming the field; an unknown txid is a 200 and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import { eventually, type ItauBoletoStack, startItauBoletoStack } from '../helpers/boleto-stack';
import { PIX_KEY } from '../banks/itau/helpers';
import { OpenApiValidator } from '../helpers/openapi';

describe('Itaú Pix webhook › /webhooks/itau/<account>/pix (dev server, worker, simulator)', () => {
  let s: ItauBoletoStack;
  let spec: OpenApiValidator;
  const accountId = 'itau-pix-hook';
  const PATH = '/webhooks/itau/{accountId}/pix';

  beforeAll(async () => {
    s = await startItauBoletoStack({ accountId, agencyAccount: '1500/00005-0' });
    // What an operator registers at Itaú's Pix API for the account's key: the Pix standard appends /pix.
    s.sim.bank.putPixWebhook(PIX_KEY, `${s.base}/webhooks/itau/${accountId}`);
    spec = new OpenApiValidator((await (await fetch(`${s.base}/openapi.json`)).json()) as never);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${s.key}` });
  const create = async (idem: string) => {
    const r = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', 'Idempotency-Key': idem },
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
      }),
    });
    expect(r.status).toBe(201);
    return (await r.json()) as { id: string; nossoNumero: string; status: string; pix?: { txid?: string } };
  };
  const view = async (id: string) =>
    (await (await fetch(`${s.base}/v1/boletos/${id}`, { headers: auth() })).json()) as {
      status: string;
      paid: boolean;
      settled: boolean;
      payment?: { paidCents?: number };
    };
  const events = async (id: string) =>
    (
      (await (await fetch(`${s.base}/v1/boletos/${id}/events`, { headers: auth() })).json()) as {
        items: { kind: string; source: string }[];
      }
    ).items;
  const postPix = async (body: unknown) => {
    const r = await fetch(`${s.base}/webhooks/itau/${accountId}/pix`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const out = {
      status: r.status,
      type: r.headers.get('content-type') ?? '',
      body: (await r.json()) as Record<string, unknown>,
    };
    // Every answer is the one the OpenAPI document declares.
    spec.expectValid('post', PATH, out.status, out.type, out.body);
    return out;
  };
  /** The boleto's workflow is findable by nosso número (visibility) shortly after registration. */
  const indexed = () => new Promise((r) => setTimeout(r, 1_500));

  it('a bolecode paid by Pix at the simulator › its Pix webhook › SETTLED within seconds; the same webhook again › nothing changes', async () => {
    const b = await create('itau-pix-1');
    expect(b.status).toBe('REGISTERED');
    expect(b.pix?.txid).toMatch(/^BL\d+$/);
    await indexed();
    const atBank = s.sim.bank.byTxid(b.pix!.txid!)!;
    s.sim.bank.pay(atBank, s.sim.clock.now(), undefined, 'pix');
    await s.sim.tick();
    const delivery = s.sim.webhooks.list().find((d) => d.target?.url === `${s.base}/webhooks/itau/${accountId}/pix`);
    expect(delivery).toMatchObject({
      state: 'DELIVERED',
      lastStatus: 200,
      body: { pix: [{ txid: b.pix!.txid, valor: '123.45' }] },
    });
    expect((delivery!.body as { pix: { endToEndId: string }[] }).pix[0]!.endToEndId).toMatch(
      /^E60701190\d{12}[A-Za-z0-9]{11}$/,
    );

    expect(
      await eventually(
        () => view(b.id),
        (v) => v.status === 'SETTLED',
        10_000,
      ),
    ).toMatchObject({ paid: true, settled: true, payment: { paidCents: 12_345 } });
    const settled = await eventually(
      () => events(b.id),
      (e) => e.some((x) => x.kind === 'SETTLED'),
    );
    expect(settled.find((x) => x.kind === 'SETTLED')?.source).toBe('bank-poll');

    const dup = await postPix(delivery!.body);
    expect(dup).toMatchObject({ status: 200, body: { received: 1 } });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await events(b.id)).toEqual(settled);
    expect((await view(b.id)).status).toBe('SETTLED');
  }, 60_000);

  it('a malformed body › 400 problem+json naming the field; never a 500', async () => {
    const noList = await postPix({ boletos: [] });
    expect(noList.status).toBe(400);
    expect(noList.type).toMatch(/^application\/problem\+json/);
    expect(noList.body.errors).toEqual([expect.objectContaining({ field: 'body.pix' })]);

    const noE2e = await postPix({
      pix: [{ txid: 'BL150000000051090000000012345678', valor: '1.00', horario: '2026-03-06T10:00:00.000Z' }],
    });
    expect(noE2e.status).toBe(400);
    expect(noE2e.body.errors).toEqual([expect.objectContaining({ field: 'body.pix[0].endToEndId' })]);

    const badValor = await postPix({
      pix: [
        {
          endToEndId: 'E60701190202603061000abcdefghijk',
          txid: 'BL150000000051090000000012345678',
          valor: 12.5,
          horario: '2026-03-06T10:00:00.000Z',
        },
      ],
    });
    expect(badValor.status).toBe(400);
    expect(badValor.body.errors).toEqual([expect.objectContaining({ field: 'body.pix[0].valor' })]);

    const badTime = await postPix({
      pix: [
        {
          endToEndId: 'E60701190202603061000abcdefghijk',
          txid: 'BL150000000051090000000012345678',
          valor: '1.00',
          horario: 'yesterday',
        },
      ],
    });
    expect(badTime.status).toBe(400);
    expect(badTime.body.errors).toEqual([expect.objectContaining({ field: 'body.pix[0].horario' })]);

    for (const body of ['[1,2]', 'null', '"pix"', JSON.stringify({ pix: 'x' }), JSON.stringify({ pix: [null, 7] })]) {
      const r = await postPix(body);
      expect(r.status, body).toBe(400);
    }
  });

  it('an unknown txid, or none, or another txid format › 200 and nothing changes', async () => {
    const b = await create('itau-pix-2');
    await indexed();
    const before = await events(b.id);
    const unknownNn = b.pix!.txid!.replace(/\d{8}$/, b.nossoNumero === '99999999' ? '99999998' : '99999999');
    const r = await postPix({
      pix: [
        {
          endToEndId: 'E60701190202603061000abcdefghijk',
          txid: unknownNn,
          valor: '123.45',
          horario: '2026-03-06T10:00:00.000Z',
        },
        {
          endToEndId: 'E60701190202603061000abcdefghijl',
          valor: '5.00',
          horario: '2026-03-06T10:00:00-03:00',
          infoPagador: 'sem txid',
        },
        {
          endToEndId: 'E60701190202603061000abcdefghijm',
          txid: 'abc123notabolecode',
          valor: '5.00',
          horario: '2026-03-06T10:00:00Z',
        },
      ],
    });
    expect(r).toMatchObject({ status: 200, body: { received: 3 } });
    expect(await postPix({ pix: [] })).toMatchObject({ status: 200, body: { received: 0 } });
    await new Promise((res) => setTimeout(res, 1_500));
    expect(await events(b.id)).toEqual(before);
    expect((await view(b.id)).status).toBe('REGISTERED');
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toMatch(/boletoflow_webhook_hints_total\{source="ITAU_PIX",outcome="ignored"\} [3-9]/);
  });

  it('an unknown account › 404', async () => {
    const r = await fetch(`${s.base}/webhooks/itau/no-such-account/pix`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"pix":[]}',
    });
    expect(r.status).toBe(404);
  });
});
