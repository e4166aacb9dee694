/**
 * Every timestamp the API returns is RFC 3339 in UTC (`…Z`), whatever the bank sent (the BS2 simulator speaks São
 * Paulo local time, as BS2 does): real responses are walked (register, paid and settled through the simulator's
 * webhooks, cancelled, GET, events, deliveries, onboarding, keys, webhook endpoint) and every timestamp-looking field
 * is checked. The bank's own text is kept verbatim only under `details.bankTime` of an event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import { type BoletoStack, eventually, startBoletoStack } from '../helpers/boleto-stack';

type Json = Record<string, unknown>;

const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
/** A field named like a timestamp, or a value that looks like a date-time. */
const looksLikeTimestamp = (key: string, v: unknown) =>
  /(At|Since)$|^at$/.test(key) || (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v));

/** Every timestamp-looking field of a response, with its path (the bank's verbatim `bankTime` excepted). */
function timestamps(
  v: unknown,
  path = '$',
  out: { path: string; value: unknown }[] = [],
): { path: string; value: unknown }[] {
  if (Array.isArray(v)) v.forEach((x, i) => timestamps(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'bankTime') continue;
      if (looksLikeTimestamp(k, x) && (typeof x === 'string' || typeof x === 'number'))
        out.push({ path: `${path}.${k}`, value: x });
      else timestamps(x, `${path}.${k}`, out);
    }
  }
  return out;
}

describe('timestamps in API responses', () => {
  let s: BoletoStack;
  let doc: { components: { schemas: Record<string, unknown> }; paths: Record<string, unknown> };
  const seen: { where: string; path: string; value: unknown }[] = [];

  beforeAll(async () => {
    s = await startBoletoStack();
    doc = (await (await fetch(`${s.base}/openapi.json`)).json()) as typeof doc;
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const auth = (role: 'integrator' | 'operator' | 'cs' = 'integrator') => ({
    Authorization: `Bearer ${s.keys.t1[role]}`,
    'content-type': 'application/json',
  });
  async function call(
    where: string,
    method: string,
    path: string,
    body?: unknown,
    role: 'integrator' | 'operator' | 'cs' = 'integrator',
    headers: Record<string, string> = {},
  ): Promise<Json> {
    const r = await fetch(`${s.base}${path}`, {
      method,
      headers: { ...auth(role), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(r.status, `${where}: ${method} ${path}`).toBeLessThan(300);
    const json = (await r.json()) as Json;
    for (const t of timestamps(json)) seen.push({ where, ...t });
    return json;
  }
  const boleto = (amountCents: number) => ({
    accountId: s.accountId,
    amountCents,
    dueDate: addDays(saoPauloDate(Date.now()), 5),
    payer: {
      name: 'Maria da Silva',
      document: '52998224725',
      address: {
        street: 'Rua das Flores',
        number: '100',
        district: 'Centro',
        city: 'São Paulo',
        state: 'SP',
        zipCode: '01001000',
      },
    },
  });

  it('every timestamp in real responses › RFC 3339, UTC (…Z), and the instant the bank meant', async () => {
    // Paid and settled through the bank's webhooks (São Paulo local times at BS2).
    const created = await call('register', 'POST', '/v1/boletos', boleto(15_001), 'integrator', {
      'Idempotency-Key': 'ts-paid',
    });
    const id = created.id as string;
    const atBank = s.sim.bank.boletos.values().find((b) => b.seuNumero === created.seuNumero)!;
    s.sim.bank.pay(atBank, s.sim.clock.now());
    await s.sim.tick();
    await eventually(
      () => call('get (paid)', 'GET', `/v1/boletos/${id}`),
      (v) => v.status === 'PAID',
    );
    s.sim.bank.settle(atBank, s.sim.clock.now() + 3_600_000);
    await s.sim.tick();
    const settled = await eventually(
      () => call('get (settled)', 'GET', `/v1/boletos/${id}`),
      (v) => v.status === 'SETTLED',
    );
    expect(Date.parse((settled.payment as { paidAt: string }).paidAt)).toBe(atBank.paidAt);
    const events = await call('events', 'GET', `/v1/boletos/${id}/events`);
    const paidEvent = (events.items as { kind: string; at: string; details?: Json }[]).find((e) => e.kind === 'PAID')!;
    expect(Date.parse(paidEvent.at)).toBe(atBank.paidAt);
    await eventually(
      () => call('deliveries', 'GET', `/v1/boletos/${id}/deliveries`),
      (d) => (d.items as { status: string }[]).filter((x) => x.status === 'DELIVERED').length >= 3,
    );
    await call('list', 'GET', `/v1/boletos?limit=10`);

    // Cancelled: our request time and the bank's confirmation.
    const other = await call('register', 'POST', '/v1/boletos', boleto(15_000), 'integrator', {
      'Idempotency-Key': 'ts-cancel',
    });
    await call('cancel', 'POST', `/v1/boletos/${other.id as string}/cancel`, { reason: 'duplicated invoice' });
    await s.sim.tick();
    await eventually(
      () => call('get (cancelled)', 'GET', `/v1/boletos/${other.id as string}`),
      (v) => v.status === 'CANCELLED',
    );
    await call('events (cancelled)', 'GET', `/v1/boletos/${other.id as string}/events`);

    // Onboarding, keys, the webhook endpoint.
    const person = (name: string) => ({ name, phone: '+55 11 99999-0000', email: 'p@acme.example' });
    const onboarding = await call(
      'onboarding',
      'POST',
      '/v1/onboardings',
      {
        bank: 'BS2',
        company: { legalName: 'Acme Ltda', cnpj: '11.222.333/0001-81', city: 'Sao Paulo', state: 'SP' },
        agency: '0001',
        account: '7654321',
        accountDigit: '0',
        legalRepresentative: person('Joana Diretora'),
        csContact: person('Carlos Suporte'),
        manager: { name: 'Marcos Gerente' },
      },
      'cs',
    );
    await call(
      'onboarding (note)',
      'POST',
      `/v1/onboardings/${onboarding.accountId as string}/notes`,
      { text: 'called the manager' },
      'cs',
    );
    await call('onboarding (get)', 'GET', `/v1/onboardings/${onboarding.accountId as string}`, undefined, 'cs');
    await call('onboarding (list)', 'GET', '/v1/onboardings', undefined, 'cs');
    await call('api keys', 'GET', '/v1/api-keys', undefined, 'operator');
    await call('webhook endpoint', 'GET', '/v1/webhook-endpoint', undefined, 'operator');

    const wheres = new Set(seen.map((x) => x.where));
    for (const w of [
      'register',
      'get (settled)',
      'events',
      'deliveries',
      'get (cancelled)',
      'onboarding',
      'onboarding (list)',
      'api keys',
      'webhook endpoint',
    ])
      expect(wheres, `timestamps seen in ${w}`).toContain(w);
    const paths = new Set(seen.map((x) => x.path.replace(/\[\d+\]/g, '[]')));
    for (const p of [
      '$.payment.paidAt',
      '$.settlement.settledAt',
      '$.cancellation.requestedAt',
      '$.cancellation.cancelledAt',
      '$.items[].at',
      '$.items[].deliveredAt',
      '$.stepSince',
      '$.timeline[].at',
    ])
      expect(paths, `a timestamp at ${p}`).toContain(p);
    const bad = seen.filter(
      (x) => typeof x.value !== 'string' || !UTC.test(x.value) || Number.isNaN(Date.parse(x.value)),
    );
    expect(bad, 'timestamps that are not RFC 3339 UTC').toEqual([]);
    expect(paidEvent.details?.bankTime).toMatch(/-03:00$/); // the bank's own value, verbatim
  }, 120_000);

  it('OpenAPI › every timestamp field of a response schema says format: date-time', () => {
    const missing: string[] = [];
    const walk = (schema: unknown, path: string) => {
      if (Array.isArray(schema)) return schema.forEach((x, i) => walk(x, `${path}[${i}]`));
      if (!schema || typeof schema !== 'object') return;
      const o = schema as Json;
      for (const [k, p] of Object.entries((o.properties as Json | undefined) ?? {})) {
        if (/(At|Since)$|^at$/.test(k) && (p as Json).format !== 'date-time') missing.push(`${path}.${k}`);
      }
      for (const [k, x] of Object.entries(o)) if (k !== 'parameters') walk(x, `${path}.${k}`);
    };
    walk(doc.components.schemas, 'components');
    for (const [p, ops] of Object.entries(doc.paths))
      for (const [m, op] of Object.entries(ops as Json)) walk((op as Json).responses, `${m} ${p}`);
    expect(missing).toEqual([]);
  });
});
