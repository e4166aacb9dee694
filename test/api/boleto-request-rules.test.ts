/**
 * What a boleto request may contain, refused before anything durable happens: due dates a payer's bank would read as
 * another date, control characters in free text, and what the account's bank is known to refuse (amount limits,
 * alphanumeric CNPJ). All over real HTTP against the real stack (Temporal dev server, worker, BS2 simulator), so
 * "nothing was started" is checked where it would show: the workflow id, the bank's boletos, the Idempotency-Key.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boletoIdFor, deriveSeuNumero } from '../../src/boletos/ids';
import {
  addDays,
  cnpjCheckDigits,
  dateFromFator,
  fatorFromDate,
  FEBRABAN_FATOR_WINDOW,
  saoPauloDate,
} from '../../src/domain';
import { SINGLE_LINE } from '../../src/api/schemas/text';
import { type BoletoStack, startBoletoStack } from '../helpers/boleto-stack';
import { OpenApiValidator } from '../helpers/openapi';

type Problem = { status: number; type: string; errors?: { field: string; reason: string }[]; boleto?: { id: string } };
type Json = Record<string, unknown>;

describe('boleto requests: what may be sent', () => {
  let s: BoletoStack;
  let spec: OpenApiValidator;
  let doc: {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    components: { schemas: Record<string, unknown> };
  };
  const today = saoPauloDate(Date.now());

  beforeAll(async () => {
    s = await startBoletoStack();
    doc = (await (await fetch(`${s.base}/openapi.json`)).json()) as typeof doc;
    spec = new OpenApiValidator(doc as never);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const auth = (role: 'integrator' | 'cs' = 'integrator') => ({
    Authorization: `Bearer ${s.keys.t1[role]}`,
    'content-type': 'application/json',
  });
  const payer = (over: Json = {}, address: Json = {}) => ({
    name: 'Maria da Silva',
    document: '529.982.247-25',
    address: {
      street: 'Rua das Flores',
      number: '100',
      district: 'Centro',
      city: 'São Paulo',
      state: 'SP',
      zipCode: '01001000',
      ...address,
    },
    ...over,
  });
  const body = (over: Json = {}) => ({
    accountId: s.accountId,
    amountCents: 15_000,
    dueDate: addDays(today, 10),
    payer: payer(),
    ...over,
  });
  async function post(
    path: string,
    b: unknown,
    headers: Record<string, string> = {},
    role: 'integrator' | 'cs' = 'integrator',
  ) {
    const r = await fetch(`${s.base}${path}`, {
      method: 'POST',
      headers: { ...auth(role), ...headers },
      body: JSON.stringify(b),
    });
    return {
      status: r.status,
      contentType: r.headers.get('content-type') ?? '',
      json: (await r.json()) as Problem & Json,
    };
  }
  const create = async (key: string, b: unknown) => {
    const r = await post('/v1/boletos', b, { 'Idempotency-Key': key });
    spec.expectValid('post', '/v1/boletos', r.status, r.contentType, r.json);
    return r;
  };
  /** Nothing durable: no workflow under the id this key would get, no boleto at the bank. */
  async function expectNothingStarted(key: string) {
    const seuNumero = deriveSeuNumero(s.tenants.t1, s.accountId, key);
    await expect(s.client.workflow.getHandle(boletoIdFor(s.accountId, seuNumero)).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect(s.sim.bank.boletos.values().filter((b) => b.seuNumero === seuNumero)).toHaveLength(0);
  }
  const fields = (p: Problem) => (p.errors ?? []).map((e) => e.field);

  describe('due dates beyond the fator window', () => {
    const beyond = addDays(today, FEBRABAN_FATOR_WINDOW.daysAhead + 1);
    const in2046 = '2046-06-01';

    it('create › due in 2046 (its fator reads back decades earlier) › 400 on body.dueDate, nothing started', async () => {
      const misread = dateFromFator(fatorFromDate(in2046), today);
      expect(misread! < today).toBe(true); // the defect: a payer's bank would show a past date
      const r = await create('window-2046', body({ dueDate: in2046 }));
      expect(r.status).toBe(400);
      expect(r.contentType).toContain('application/problem+json');
      expect(r.json.errors).toEqual([
        { field: 'body.dueDate', reason: expect.stringContaining(`read back as ${misread}`) },
      ]);
      await expectNothingStarted('window-2046');
    });

    it('create › the window’s last day passes, one day later is refused (no candidate at all)', async () => {
      expect(
        (await create('window-last', body({ dueDate: addDays(today, FEBRABAN_FATOR_WINDOW.daysAhead) }))).status,
      ).toBe(201);
      const r = await create('window-beyond', body({ dueDate: beyond }));
      expect(r.status).toBe(400);
      expect(fields(r.json)).toEqual(['body.dueDate']);
      expect(r.json.errors![0]!.reason).toContain(`on or before ${addDays(today, FEBRABAN_FATOR_WINDOW.daysAhead)}`);
      await expectNothingStarted('window-beyond');
    });

    it('due-date change › beyond the window › 400 on body.dueDate, the boleto keeps its date', async () => {
      const created = await create('window-change', body());
      expect(created.status).toBe(201);
      const id = created.json.id as string;
      const r = await post(`/v1/boletos/${id}/due-date`, { dueDate: in2046 });
      expect(r.status).toBe(400);
      expect(r.contentType).toContain('application/problem+json');
      expect(fields(r.json)).toEqual(['body.dueDate']);
      const view = (await (await fetch(`${s.base}/v1/boletos/${id}`, { headers: auth() })).json()) as {
        dueDate: string;
      };
      expect(view.dueDate).toBe(addDays(today, 10));
    });

    it('OpenAPI › body.dueDate states the window', () => {
      const schema = JSON.stringify(doc.paths['/v1/boletos']!.post!.requestBody!.content['application/json']!.schema);
      const change = JSON.stringify(
        doc.paths['/v1/boletos/{id}/due-date']!.post!.requestBody!.content['application/json']!.schema,
      );
      for (const s of [schema, change]) expect(s).toContain(`${FEBRABAN_FATOR_WINDOW.daysAhead} days after today`);
    });
  });

  describe('control characters in free text', () => {
    const cases: [string, () => Json, string][] = [
      ['NUL in the payer’s name', () => body({ payer: payer({ name: 'Maria\u0000 da Silva' }) }), 'body.payer.name'],
      ['a newline in the payer’s name', () => body({ payer: payer({ name: 'Maria\nda Silva' }) }), 'body.payer.name'],
      [
        'DEL in the street',
        () => body({ payer: payer({}, { street: 'Rua das\u007f Flores' }) }),
        'body.payer.address.street',
      ],
      [
        'a C1 control (NEL) in the city',
        () => body({ payer: payer({}, { city: 'São\u0085Paulo' }) }),
        'body.payer.address.city',
      ],
      [
        'a tab in the complement',
        () => body({ payer: payer({}, { complement: 'apto\t12' }) }),
        'body.payer.address.complement',
      ],
      [
        'ESC in a message',
        () => body({ messages: ['Não receber após o vencimento', 'x\u001b[31m'] }),
        'body.messages.1',
      ],
      ['CR in the reference', () => body({ reference: 'NF-1\r2' }), 'body.reference'],
    ];
    for (const [name, b, field] of cases) {
      it(`create › ${name} › 400 naming ${field}, nothing started`, async () => {
        const key = `ctl-${field}-${name.length}`;
        const r = await create(key, b());
        expect(r.status).toBe(400);
        expect(fields(r.json)).toEqual([field]);
        expect(r.json.errors![0]!.reason).toMatch(/control character/);
        await expectNothingStarted(key);
      });
    }

    it('create › accents and other printable text › accepted', async () => {
      const r = await create(
        'ctl-ok',
        body({ payer: payer({ name: 'José Ñandú d’Ávila' }), messages: ['Após o vencimento, multa de 2 %'] }),
      );
      expect(r.status).toBe(201);
    });

    it('cancel › a control character in the reason › 400 naming body.reason', async () => {
      const created = await create('ctl-cancel', body());
      const r = await post(`/v1/boletos/${created.json.id as string}/cancel`, { reason: 'duplicated\u0000' });
      expect(r.status).toBe(400);
      expect(fields(r.json)).toEqual(['body.reason']);
    });

    it('onboarding › a control character in a text field › 400 naming it', async () => {
      const person = (name: string) => ({ name, phone: '+55 11 99999-0000', email: 'p@acme.example' });
      const data = {
        bank: 'BS2',
        company: { legalName: 'Acme\u0000 Ltda', cnpj: '11.222.333/0001-81', city: 'Sao Paulo', state: 'SP' },
        agency: '0001',
        account: '1234567',
        accountDigit: '8',
        legalRepresentative: person('Joana\nDiretora'),
        csContact: person('Carlos Suporte'),
        manager: { name: 'Marcos Gerente' },
      };
      const r = await post('/v1/onboardings', data, {}, 'cs');
      expect(r.status).toBe(400);
      expect(fields(r.json).sort()).toEqual(['body.company.legalName', 'body.legalRepresentative.name']);
    });

    it('OpenAPI › free-text fields carry the pattern that refuses control characters', () => {
      const schema = JSON.stringify(doc.paths['/v1/boletos']!.post!.requestBody!.content['application/json']!.schema);
      expect(schema).toContain(JSON.stringify(SINGLE_LINE.source).slice(1, -1));
    });
  });

  describe('what the account’s bank is known to refuse (BS2)', () => {
    it('create › R$ 4,99 (BS2’s minimum is R$ 5,00) › 422 on body.amountCents, nothing started', async () => {
      const r = await create('limit-min', body({ amountCents: 499 }));
      expect(r.status).toBe(422);
      expect(r.contentType).toContain('application/problem+json');
      expect(r.json.errors).toEqual([{ field: 'body.amountCents', reason: expect.stringContaining('R$ 5,00') }]);
      await expectNothingStarted('limit-min');
      // The key was not claimed: the corrected request goes through with it.
      expect((await create('limit-min', body({ amountCents: 500 }))).status).toBe(201);
    });

    it('create › R$ 500.000,01 (BS2’s maximum is R$ 500.000,00) › 422 on body.amountCents, nothing started', async () => {
      const r = await create('limit-max', body({ amountCents: 50_000_001 }));
      expect(r.status).toBe(422);
      expect(r.json.errors).toEqual([{ field: 'body.amountCents', reason: expect.stringContaining('R$ 500.000,00') }]);
      await expectNothingStarted('limit-max');
      expect((await create('limit-max-ok', body({ amountCents: 50_000_000 }))).status).toBe(201);
    });

    it('create › an alphanumeric CNPJ payer (valid, 2026 format) › 422 on body.payer.document, nothing started', async () => {
      const root = '12ABC34501DE';
      const cnpj = root + cnpjCheckDigits(root);
      const r = await create('limit-cnpj', body({ payer: payer({ document: cnpj }) }));
      expect(r.status).toBe(422);
      expect(fields(r.json)).toEqual(['body.payer.document']);
      expect(r.json.errors![0]!.reason).not.toContain(cnpj); // personal data stays out of error messages
      await expectNothingStarted('limit-cnpj');
    });
  });
});
