/**
 * Payer text fitted to Itaú on the way out, end to end: a bolecode whose payer is a company with a 57-character name
 * in a 17-character district ("Jardim Paulistano") is issued through the API, registered by the real worker at the
 * strict Itaú simulator over mTLS (which enforces nome 50 / bairro 15), and our record keeps the full text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import type { BoletoRecords } from '../../src/records';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import { type ItauBoletoStack, startItauBoletoStack } from '../helpers/boleto-stack';
import { uniqueId } from '../helpers/temporal';

describe('boletos API on the strict Itaú simulator › payer text fitted to Itaú, our record complete', () => {
  let s: ItauBoletoStack;
  let sim: ItauSimulator;
  let base: string;
  let key: string;
  let records: BoletoRecords;
  const accountId = 'itau-payer';

  beforeAll(async () => {
    s = await startItauBoletoStack({ accountId });
    ({ sim, base, key, records } = s);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const company = 'Companhia Paulista de Distribuição e Comércio de Peças SA';
  const district = 'Jardim Paulistano';

  it('a 57-character company name and a 17-character district › 201 REGISTERED at Itaú; Itaú got ≤ 50 / ≤ 15 characters; our record keeps the full text', async () => {
    expect([...company]).toHaveLength(57);
    expect([...district]).toHaveLength(17);
    const r = await fetch(`${base}/v1/boletos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'Idempotency-Key': uniqueId('payer'),
      },
      body: JSON.stringify({
        accountId,
        kind: 'BOLECODE',
        amountCents: 45_600,
        dueDate: addDays(saoPauloDate(Date.now()), 10),
        payer: {
          name: company,
          document: '11444777000161',
          address: {
            street: 'Avenida Brigadeiro Faria Lima',
            number: '3477',
            complement: 'Conjunto 12',
            district,
            city: 'São Paulo',
            state: 'SP',
            zipCode: '01451000',
          },
        },
      }),
    });
    const json = (await r.json()) as { id: string; status: string; nossoNumero: string };
    expect({ status: r.status, boleto: json.status }).toEqual({ status: 201, boleto: 'REGISTERED' });
    const atBank = sim.bank.byNossoNumero('109', json.nossoNumero)?.data as {
      dado_boleto: {
        pagador: { pessoa: { nome_pessoa: string }; endereco: { nome_bairro: string; nome_logradouro: string } };
      };
    };
    const sent = atBank.dado_boleto.pagador;
    expect([...sent.pessoa.nome_pessoa].length).toBeLessThanOrEqual(50);
    expect(company.startsWith(sent.pessoa.nome_pessoa)).toBe(true);
    expect([...sent.endereco.nome_bairro].length).toBeLessThanOrEqual(15);
    expect(sent.endereco.nome_logradouro).toContain('3477');
    // Our record: the payer exactly as the API received it.
    const printable = await records.printable('acme', json.id);
    expect(printable?.payer).toMatchObject({
      name: company,
      address: { district, street: 'Avenida Brigadeiro Faria Lima', complement: 'Conjunto 12' },
    });
    const get = await fetch(`${base}/v1/boletos/${json.id}`, { headers: { Authorization: `Bearer ${key}` } });
    expect(get.status).toBe(200);
  });
});
