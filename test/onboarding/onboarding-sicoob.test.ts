/**
 * A Sicoob account onboarded through the API to ACTIVE, all real (dev server, worker, the strict Sicoob simulator over
 * mutual TLS): the data, the request to the cooperative (PT-BR), the app's client_id and certificate (PEM upload), the
 * convênio (cooperativa + código do cliente, modalidade 1 as the carteira), the connectivity check (the
 * contract's nosso-número ranges), then a boleto issued on the onboarded account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import { SICOOB_TEST_PAYER } from '../banks/sicoob/helpers';
import { call, type OnboardingStack, startOnboardingStack } from '../helpers/onboarding-stack';

type View = {
  accountId: string;
  step: string;
  email: { subject: string; body: string };
  connectivity?: { ok: boolean; message: string };
  credentials?: Record<string, unknown>;
};
type Problem = { title: string; detail?: string };

const person = (name: string) => ({ name, phone: '+55 61 99999-0000', email: `${name.toLowerCase()}@acme.example` });

describe('onboarding a Sicoob account through the API (dev server, Sicoob simulator)', () => {
  let s: OnboardingStack;
  beforeAll(async () => {
    s = await startOnboardingStack();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('data → request to the cooperative → client_id + certificate → contract → connectivity → ACTIVE › a boleto is issued', async () => {
    const cs = s.keys.cs;
    const b = s.sicoob.config.beneficiary;
    const created = await call<View>(s.base, cs, 'POST', '/v1/onboardings', {
      bank: 'SICOOB',
      company: { legalName: 'Acme Comercio Ltda', cnpj: '11.222.333/0001-81', city: 'Brasilia', state: 'DF' },
      // The código do cliente (with its digit) as account + digit: 022938-5 for the simulator's 0229385.
      agency: b.cooperativa,
      account: b.codigoCliente.slice(0, -1),
      accountDigit: b.codigoCliente.slice(-1),
      legalRepresentative: person('Joana'),
      csContact: person('Carlos'),
      manager: { name: 'Marta Cooperativa', email: 'marta@cooperativa.example' },
    });
    expect(created.status).toBe(201);
    const id = created.body.accountId;
    expect(created.body.email.subject).toContain('Sicoob');
    expect(created.body.email.body).toContain('numeroCliente');
    await call(s.base, cs, 'POST', `/v1/onboardings/${id}/request-sent`, {});
    await call(s.base, cs, 'POST', `/v1/onboardings/${id}/bank-released`, {});

    const wrongKind = await call<Problem>(s.base, cs, 'POST', `/v1/onboardings/${id}/credentials`, {
      kind: 'ITAU_DYNAMIC',
      clientId: '00000000-0000-4000-8000-000000000000',
      temporaryToken: 'x',
    });
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.detail).toMatch(/a Sicoob account takes kind SICOOB credentials/);
    const app = s.sicoob.defaultApp;
    const creds = await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/credentials`, {
      kind: 'SICOOB',
      clientId: app.clientId,
      certificate: { format: 'PEM', certificatePem: app.certificatePem, privateKeyPem: app.privateKeyPem },
    });
    expect(creds.status).toBe(200);
    expect(creds.body.credentials).toMatchObject({ kind: 'SICOOB', clientId: app.clientId });
    expect(JSON.stringify(creds.body)).not.toContain('PRIVATE KEY');

    const v = await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: { number: `${b.cooperativa}${b.codigoCliente}`, carteira: '1' },
      chargeDefaults: { defaultKind: 'BOLETO' },
    });
    expect(v.body.connectivity).toMatchObject({ ok: true });
    expect(v.body.step).toBe('ACTIVE');

    const boleto = await call<{ status: string; barcode: string; nossoNumero: string }>(
      s.base,
      s.keys.integrator,
      'POST',
      '/v1/boletos',
      { accountId: id, amountCents: 15_000, dueDate: addDays(saoPauloDate(Date.now()), 10), payer: SICOOB_TEST_PAYER },
      { 'Idempotency-Key': 'onb-sicoob-1' },
    );
    const json = boleto.body;
    expect(boleto.status).toBe(201);
    expect(json).toMatchObject({ status: 'REGISTERED' });
    expect(json.barcode).toMatch(/^756/);
    expect(s.sicoob.bank.boletos.get(json.nossoNumero)).toBeDefined();

    // Bolecode by default: Sicoob's Pix comes with the registration (codigoCadastrarPIX 1), so neither Itaú's API V2
    // nor a Pix key is asked for.
    const hybrid = await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: { number: `${b.cooperativa}${b.codigoCliente}`, carteira: '1', apiVersion: 'V1' },
      chargeDefaults: { defaultKind: 'BOLECODE' },
    });
    expect(hybrid.status).toBe(200);
    expect(hybrid.body.step).toBe('ACTIVE');
    const bolecode = await call<{ status: string; kind: string; nossoNumero: string; pix?: { emv: string } }>(
      s.base,
      s.keys.integrator,
      'POST',
      '/v1/boletos',
      { accountId: id, amountCents: 15_100, dueDate: addDays(saoPauloDate(Date.now()), 10), payer: SICOOB_TEST_PAYER },
      { 'Idempotency-Key': 'onb-sicoob-2' },
    );
    expect(bolecode.status).toBe(201);
    expect(bolecode.body).toMatchObject({ status: 'REGISTERED', kind: 'BOLECODE' });
    expect(bolecode.body.pix?.emv).toBeTruthy();
    expect(s.sicoobProblems).toEqual([]);
  });
});
